/// What a word may expand to, given what the analysis knows about variables and the working directory.
extension BashAnalysis {
    /// The possible values of `word`, or nil when any of it is only known at run time.
    func values(of word: ShellWord) -> [String]? {
        guard var results = values(of: word.parts) else { return nil }
        if word.hasUnquotedBrace {
            // Many brace groups could expand into anything; give up rather than explode.
            guard word.displayText.filter({ $0 == "{" }).count <= 16 else { return nil }
            results = results.flatMap { BashPaths.expandBraces($0) }
        }
        return results.count <= 32 ? results : nil
    }

    func values(of parts: [ShellWordPart]) -> [String]? {
        var results = [""]
        for part in parts {
            guard let options = values(of: part) else { return nil }
            var next: [String] = []
            for prefix in results {
                for option in options { next.append(prefix + option) }
            }
            guard next.count <= 32 else { return nil }
            results = next
        }
        return results
    }

    func values(of part: ShellWordPart) -> [String]? {
        switch part {
        case .literal(let text), .quoted(let text):
            return [text]
        case .doubleQuoted(let inner):
            return values(of: inner)
        case .parameter(let expansion):
            return values(of: expansion)
        case .commandSubstitution(let script, _):
            // `$(pwd)` is the one substitution whose output is known.
            if script.items.count == 1, let pipeline = script.items.first?.andOr, pipeline.rest.isEmpty,
               pipeline.first.commands.count == 1, case .simple(let simple)? = pipeline.first.commands.first,
               simple.words.count == 1, simple.words[0].staticText == "pwd", simple.redirections.isEmpty {
                return knownDirectories()
            }
            return nil
        case .processSubstitution:
            return ["/dev/fd/63"]
        case .arithmetic:
            return ["0"]
        }
    }

    func knownDirectories() -> [String]? {
        let directories = state.directories.compactMap { $0 }
        return directories.count == state.directories.count ? directories : nil
    }

    func values(of expansion: ShellParameterExpansion) -> [String]? {
        if expansion.prefix == "#" { return ["0"] }
        guard expansion.prefix.isEmpty else { return nil }
        let known: [String]?
        switch expansion.name {
        case "HOME": known = [homeDirectory]
        case "PWD": known = knownDirectories()
        default: known = state.variables[expansion.name]
        }
        let modifier = expansion.modifier
        if modifier.isEmpty { return known }
        if modifier.hasPrefix(":-") || modifier.hasPrefix("-") || modifier.hasPrefix(":=") || modifier.hasPrefix("=") {
            // An unknown variable may be set (to anything) or not: only a known, non-empty value decides.
            guard let known else { return nil }
            if !known.contains("") { return known }
            guard let fallback = values(of: Self.dropOperator(expansion.modifierParts)) else { return nil }
            return (modifier.hasPrefix(":") ? known.filter { !$0.isEmpty } : known) + fallback
        }
        if modifier.hasPrefix(":+") || modifier.hasPrefix("+") {
            guard let alternative = values(of: Self.dropOperator(expansion.modifierParts)) else { return nil }
            return [""] + alternative
        }
        if modifier.hasPrefix(":?") || modifier.hasPrefix("?") { return known }
        if modifier.hasPrefix("%") || modifier.hasPrefix("#") {
            guard let known, let pattern = Self.removalPattern(expansion.modifierParts) else { return nil }
            var results: [String] = []
            for value in known {
                guard let trimmed = Self.remove(pattern, from: value, suffix: modifier.hasPrefix("%"),
                                                longest: modifier.hasPrefix("%%") || modifier.hasPrefix("##")) else { return nil }
                if !results.contains(trimmed) { results.append(trimmed) }
            }
            return results
        }
        return nil
    }

    /// The pattern of `${X%pattern}` (and `%%`, `#`, `##`) when it is written out; nil when it depends on run time
    /// or quotes a pattern character (which would then match only itself).
    static func removalPattern(_ parts: [ShellWordPart]) -> Substring? {
        var text = ""
        for part in parts {
            switch part {
            case .literal(let value): text += value
            case .quoted(let value):
                guard !BashPaths.isGlob(value) else { return nil }
                text += value
            default: return nil
            }
        }
        let operatorLength = text.hasPrefix("%%") || text.hasPrefix("##") ? 2 : 1
        guard text.count >= operatorLength else { return nil }
        return Substring(text.dropFirst(operatorLength))
    }

    /// `value` with the shortest (or longest) suffix (or prefix) matching `pattern` removed, as the shell does.
    static func remove(_ pattern: Substring, from value: String, suffix: Bool, longest: Bool) -> String? {
        let characters = Array(value)
        guard characters.count <= 256, pattern.count <= 256 else { return nil }
        // Cut points in the order the shell tries them: the first that matches wins.
        let cuts = suffix == longest ? Array(0...characters.count) : Array((0...characters.count).reversed())
        for cut in cuts {
            let piece = String(suffix ? characters[cut...] : characters[..<cut])
            if BashPaths.globMatches(pattern: pattern, name: piece) {
                return String(suffix ? characters[..<cut] : characters[cut...])
            }
        }
        return value
    }

    /// The modifier's parts without its leading operator (`:-`, `+`, …).
    static func dropOperator(_ parts: [ShellWordPart]) -> [ShellWordPart] {
        guard case .literal(let text)? = parts.first else { return parts }
        let rest = text.drop { ":-=+?".contains($0) }
        return (rest.isEmpty ? [] : [.literal(String(rest))]) + parts.dropFirst()
    }

    /// The absolute paths `value` may name from each possible working directory; nil where that is unknown.
    func resolve(_ value: String) -> [String?] {
        targetsOf(value).map { $0?.path }
    }
}
