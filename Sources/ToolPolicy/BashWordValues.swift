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
            if let known, !known.contains("") { return known }
            guard let fallback = values(of: Self.dropOperator(expansion.modifierParts)) else { return nil }
            return (known ?? []) + fallback
        }
        if modifier.hasPrefix(":+") || modifier.hasPrefix("+") {
            guard let alternative = values(of: Self.dropOperator(expansion.modifierParts)) else { return nil }
            return [""] + alternative
        }
        if modifier.hasPrefix(":?") || modifier.hasPrefix("?") { return known }
        // Removing a suffix cannot leave the directory a relative path names, unless it holds `..`;
        // removing a prefix could turn `a/etc` into `/etc`, so only single names keep their value.
        guard let known else { return nil }
        if modifier.hasPrefix("%") {
            return known.allSatisfy({ !$0.contains("..") }) ? known : nil
        }
        if modifier.hasPrefix("#") {
            return known.allSatisfy({ !$0.contains("..") && ($0.hasPrefix("/") || !$0.contains("/")) }) ? known : nil
        }
        return nil
    }

    /// The modifier's parts without its leading operator (`:-`, `+`, …).
    static func dropOperator(_ parts: [ShellWordPart]) -> [ShellWordPart] {
        guard case .literal(let text)? = parts.first else { return parts }
        let rest = text.drop { ":-=+?".contains($0) }
        return (rest.isEmpty ? [] : [.literal(String(rest))]) + parts.dropFirst()
    }

    /// The absolute paths `value` may name from each possible working directory; nil where that is unknown.
    func resolve(_ value: String) -> [String?] {
        if value.hasPrefix("/") { return [BashPaths.normalize(value)] }
        if value == "~" || value.hasPrefix("~/") {
            return [BashPaths.normalize(homeDirectory + "/" + value.dropFirst())]
        }
        if value.hasPrefix("~") {
            // Another user's home: outside, and shown as such.
            return [BashPaths.normalize("/~" + value.dropFirst())]
        }
        return state.directories.map { directory in directory.map { BashPaths.normalize($0 + "/" + value) } }
    }
}
