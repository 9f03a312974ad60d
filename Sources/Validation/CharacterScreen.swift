import Foundation

/// The character-level half of the lexical check, shared by paths and upload names: anything a shell, a URL
/// decoder, a Unicode normaliser or a terminal would reinterpret is refused before the structure is looked at.
/// Works on Unicode scalars, never on `Character`s, because the file system splits on bytes: a combining mark after
/// `/` fuses into one `Character` and would hide the separator from a grapheme-based check.
package enum CharacterScreen {
    /// Returns the first problem found, checking in a fixed order so every input has one stable code.
    package static func check(_ text: String) -> Refusal? {
        let scalars = Array(text.unicodeScalars)
        return invisibleOrInvalid(scalars)
            ?? percentEncoding(scalars)
            ?? backslash(scalars)
            ?? lookalike(scalars)
            ?? alternateDataStream(scalars)
            ?? commandSubstitution(scalars)
            ?? variableExpansion(scalars)
            ?? shellMetacharacter(scalars)
    }

    // MARK: Invisible, control and invalid characters

    /// C0/C1 controls (NUL, tab, newline, U+0085), line/paragraph separators, format characters (bidi overrides and
    /// isolates, zero-width spaces and joiners, the BOM, tag characters) and other default-ignorable code points:
    /// all either change how the name displays or vanish, so what the person sees is not what the disk gets.
    /// Variation selectors stay allowed: emoji need U+FE0F and they cannot reorder or hide text.
    package static func isInvisibleOrControl(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value < 0x20 || (0x7F...0x9F).contains(value) { return true }
        if (0xFE00...0xFE0F).contains(value) || (0xE0100...0xE01EF).contains(value) { return false }
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator: return true
        default: return scalar.properties.isDefaultIgnorableCodePoint
        }
    }

    private static func invisibleOrInvalid(_ scalars: [Unicode.Scalar]) -> Refusal? {
        for scalar in scalars {
            if isInvisibleOrControl(scalar) {
                return Refusal(.controlCharacter,
                               "it contains an invisible or control character (\(InputExcerpt.codePoint(scalar))); "
                               + "type the name with visible characters only")
            }
            // U+FFFD is what broken UTF-8 turns into; non-characters are never valid in text interchange.
            if scalar.value == 0xFFFD || scalar.properties.isNoncharacterCodePoint {
                return Refusal(.invalidUnicode,
                               "it contains an invalid character (\(InputExcerpt.codePoint(scalar))), "
                               + "usually the trace of broken text encoding")
            }
        }
        return nil
    }

    // MARK: Percent encoding

    /// Any `%XX` or `%uXXXX` escape. Nothing in Gatehouse decodes them, but something downstream might, and an
    /// escape is how `..%2f`, `%252e` (double encoding) and `%c0%ae` (overlong UTF-8) smuggle dots and slashes.
    /// A bare `%` (as in `50% done.md`) is fine.
    private static func percentEncoding(_ scalars: [Unicode.Scalar]) -> Refusal? {
        var index = 0
        while index < scalars.count {
            defer { index += 1 }
            guard scalars[index] == "%" else { continue }
            let rest = scalars[(index + 1)...]
            let isByteEscape = rest.count >= 2 && rest.prefix(2).allSatisfy(isHexDigit)
            let isWideEscape = rest.count >= 5 && (rest.first == "u" || rest.first == "U")
                && rest.dropFirst().prefix(4).allSatisfy(isHexDigit)
            if isByteEscape || isWideEscape {
                let escape = String(String.UnicodeScalarView(scalars[index..<(index + (isByteEscape ? 3 : 6))]))
                return Refusal(.encodedTraversal,
                               "it contains the percent-encoded sequence \(InputExcerpt.quote(escape)); encoded "
                               + "characters can hide dots and slashes, so type the characters themselves")
            }
        }
        return nil
    }

    private static func isHexDigit(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "0"..."9", "a"..."f", "A"..."F": return true
        default: return false
        }
    }

    // MARK: Backslash

    private static func backslash(_ scalars: [Unicode.Scalar]) -> Refusal? {
        guard scalars.contains("\\") else { return nil }
        return Refusal(.backslash, "it contains a backslash (\\); separate folders with / and do not escape characters")
    }

    // MARK: Look-alikes

    /// Characters that imitate `.`, `/` or `\` and that NFKC leaves alone, so the normalisation test misses them.
    private static let confusables: Set<UInt32> = [
        // Slashes.
        0x2215, 0x2044, 0x29F8, 0x2571, 0x27CB, 0x1735, 0x3033, 0x0337, 0x0338,
        // Backslashes.
        0x2216, 0x29F5, 0x29F9, 0x2572, 0x27CD, 0x20E5,
        // Full stops and dots sitting on the baseline.
        0x3002, 0x0701, 0x0702, 0x06D4, 0x0589, 0xA4F8, 0xA60E, 0x10A50, 0x2E3C, 0x2219, 0x22C5,
        // Tilde operator (the ASCII `~` means home expansion).
        0x223C,
    ]

    /// A scalar is a look-alike when it is on the confusables list or when NFKC would change it: fullwidth `．／`,
    /// the one-dot leader `․`, `﹒`, `～`, ligatures, superscripts, canonical singletons such as U+037E (which *is*
    /// `;` after any normalisation). Checked per scalar, so a decomposed `é` (e + U+0301) still passes: composing
    /// it never produces ASCII punctuation.
    private static func lookalike(_ scalars: [Unicode.Scalar]) -> Refusal? {
        for scalar in scalars where !scalar.isASCII {
            if confusables.contains(scalar.value) || !isStableUnderNFKC(scalar) {
                return Refusal(.lookalikeCharacter,
                               "it contains \(InputExcerpt.codePoint(scalar)), a character that imitates or "
                               + "normalises to another one; type plain characters instead")
            }
        }
        return nil
    }

    private static func isStableUnderNFKC(_ scalar: Unicode.Scalar) -> Bool {
        let single = String(String.UnicodeScalarView([scalar]))
        let normalised = single.precomposedStringWithCompatibilityMapping
        return normalised.unicodeScalars.elementsEqual(single.unicodeScalars)
    }

    // MARK: Shell syntax

    /// `file.txt::$DATA` names an NTFS stream; refused with its own code because the intent is specific.
    private static func alternateDataStream(_ scalars: [Unicode.Scalar]) -> Refusal? {
        for index in scalars.indices.dropLast() where scalars[index] == ":" && scalars[index + 1] == "$" {
            return Refusal(.alternateDataStream, "it names a Windows data stream (:$); name the file itself")
        }
        return nil
    }

    private static func commandSubstitution(_ scalars: [Unicode.Scalar]) -> Refusal? {
        if scalars.contains("`") {
            return Refusal(.commandSubstitution, "it contains a backtick (`), which a shell runs as a command")
        }
        for index in scalars.indices.dropLast() where scalars[index] == "$" && scalars[index + 1] == "(" {
            return Refusal(.commandSubstitution, "it contains $( ), which a shell runs as a command")
        }
        return nil
    }

    private static func variableExpansion(_ scalars: [Unicode.Scalar]) -> Refusal? {
        guard scalars.contains("$") else { return nil }
        return Refusal(.variableExpansion, "it contains $, which a shell expands as a variable; use the real name")
    }

    private static let shellMetacharacters: [Unicode.Scalar] = [";", "|", "&", "<", ">", "*", "?"]

    private static func shellMetacharacter(_ scalars: [Unicode.Scalar]) -> Refusal? {
        guard let found = scalars.first(where: { shellMetacharacters.contains($0) }) else { return nil }
        return Refusal(.shellMetacharacter,
                       "it contains \(found), a shell control or wildcard character that is not allowed in names")
    }
}
