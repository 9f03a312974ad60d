/// Static facts about parsed commands that do not depend on the shell's state.
enum BashScriptFacts {
    static let shells: Set<String> = ["sh", "bash", "zsh", "dash", "ksh", "mksh", "ash", "fish", "csh", "tcsh", "busybox"]

    /// Every simple command in a script, including those inside substitutions and static `sh -c` strings.
    static func simpleCommands(in script: ShellScript, depth: Int = 0) -> [ShellSimpleCommand] {
        script.items.flatMap { $0.andOr.pipelines.flatMap { $0.commands.flatMap { simpleCommands(in: $0, depth: depth) } } }
    }

    static func simpleCommands(in command: ShellCommand, depth: Int = 0) -> [ShellSimpleCommand] {
        guard depth < 16 else { return [] }
        switch command {
        case .simple(let simple):
            var result = [simple]
            let words = simple.words + simple.assignments.map(\.value) + simple.redirections.map(\.target)
            for word in words {
                for script in word.substitutions { result += simpleCommands(in: script, depth: depth + 1) }
            }
            if let (name, args) = effectiveCommand(simple.words), shells.contains(name),
               let index = args.firstIndex(where: { $0.staticText == "-c" }), index + 1 < args.count,
               let text = args[index + 1].staticText, let parsed = try? ShellParser.parse(text) {
                result += simpleCommands(in: parsed, depth: depth + 1)
            }
            return result
        case .compound(let compound):
            return compound.bodies.flatMap { simpleCommands(in: $0, depth: depth + 1) }
                + compound.words.flatMap { $0.substitutions.flatMap { simpleCommands(in: $0, depth: depth + 1) } }
        case .functionDefinition(_, let body):
            return simpleCommands(in: body, depth: depth + 1)
        }
    }

    static func runsInBackground(_ command: ShellCommand) -> Bool {
        switch command {
        case .simple: return false
        case .functionDefinition(_, let body): return runsInBackground(body)
        case .compound(let compound):
            return compound.bodies.contains { body in
                body.items.contains { item in
                    item.background || item.andOr.pipelines.contains { $0.commands.contains(where: runsInBackground) }
                }
            }
        }
    }

    /// The program a command line really runs once wrappers are peeled off, by base name, with its arguments.
    static func effectiveCommand(_ words: [ShellWord]) -> (name: String, args: [ShellWord])? {
        var words = words
        for _ in 0..<8 {
            guard let first = words.first?.staticText else { return nil }
            let name = BashPaths.baseName(first)
            let args = Array(words.dropFirst())
            guard let wrapped = BashWrappers.unwrap(name, args) else { return (name, args) }
            switch wrapped {
            case .runs(let inner): words = inner
            case .runsShellText, .runsNothing: return (name, args)
            }
        }
        return nil
    }

    static let downloaders: Set<String> = [
        "curl", "wget", "fetch", "aria2c", "http", "https", "xh", "xhs", "httpie", "lwp-request", "lwp-download", "GET", "POST",
    ]

    static func isDownload(_ command: ShellSimpleCommand) -> Bool {
        guard let (name, args) = effectiveCommand(command.words) else { return false }
        if downloaders.contains(name) { return true }
        if ["nc", "ncat", "netcat", "socat", "telnet"].contains(name) { return true }
        if name == "openssl", args.first?.staticText == "s_client" { return true }
        return false
    }

    static func isDecoder(_ command: ShellSimpleCommand) -> Bool {
        guard let (name, args) = effectiveCommand(command.words) else { return false }
        let options = args.compactMap(\.staticText)
        switch name {
        case "base64", "base32", "basenc": return options.contains { $0 == "-d" || $0 == "--decode" || $0 == "-D" || ($0.hasPrefix("-") && !$0.hasPrefix("--") && $0.contains("d")) }
        case "xxd": return options.contains { $0 == "-r" || $0 == "-revert" || ($0.hasPrefix("-") && $0.contains("r")) }
        case "openssl": return options.contains("-d")
        case "uudecode", "gunzip", "zcat", "bunzip2", "bzcat", "unxz", "xzcat", "zstdcat", "unzstd", "rev": return true
        case "gzip", "bzip2", "xz", "zstd": return options.contains { $0 == "-d" || $0 == "--decompress" || $0 == "-dc" || $0 == "-cd" }
        case "printf", "echo": return args.contains { ($0.staticText ?? $0.displayText).contains("\\x") || ($0.staticText ?? "").contains("\\0") }
        default: return false
        }
    }
}

extension BashAnalysis {
    static func contains(_ command: ShellCommand, where predicate: (ShellSimpleCommand) -> Bool) -> Bool {
        BashScriptFacts.simpleCommands(in: command).contains(where: predicate)
    }

    static func contains(_ word: ShellWord, where predicate: (ShellSimpleCommand) -> Bool) -> Bool {
        word.substitutions.contains { BashScriptFacts.simpleCommands(in: $0).contains(where: predicate) }
    }

    static func isDownload(_ command: ShellSimpleCommand) -> Bool { BashScriptFacts.isDownload(command) }
    static func isDecoder(_ command: ShellSimpleCommand) -> Bool { BashScriptFacts.isDecoder(command) }
}
