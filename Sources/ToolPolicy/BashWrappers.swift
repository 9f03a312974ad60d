/// Programs that run another command given as their arguments (`env`, `nice`, `timeout`, …).
enum BashWrappers {
    enum Wrapped {
        /// The wrapper runs this argument vector.
        case runs([ShellWord])
        /// The wrapper runs this text as a shell command line (`env -S`, `watch`).
        case runsShellText(ShellWord)
        /// The wrapper runs nothing (`env` alone prints the environment, `command -v` looks a name up).
        case runsNothing
    }

    static let names: Set<String> = [
        "env", "nice", "nohup", "timeout", "time", "command", "builtin", "exec", "stdbuf", "ionice", "setsid",
        "taskset", "watch", "unbuffer", "caffeinate", "chronic", "gtimeout", "coproc",
    ]

    /// The command `name args…` runs, or nil when `name` is not a wrapper.
    static func unwrap(_ name: String, _ args: [ShellWord]) -> Wrapped? {
        guard names.contains(name) else { return nil }
        var index = 0
        func text(_ i: Int) -> String? { i < args.count ? args[i].staticText : nil }
        /// Skips options; `valued` take the next word unless attached (`-n5`, `--adjustment=5`).
        func skipOptions(valued: Set<String>) {
            while index < args.count, let option = text(index), option.hasPrefix("-"), option != "-" {
                index += 1
                if option == "--" { return }
                if valued.contains(option) { index += 1 }
            }
        }
        func rest() -> Wrapped { index < args.count ? .runs(Array(args[index...])) : .runsNothing }
        switch name {
        case "env":
            while index < args.count, let option = text(index), option.hasPrefix("-") {
                index += 1
                if option == "--" { break }
                if option == "-S" || option == "--split-string", index < args.count {
                    return .runsShellText(ShellWord(args[index...].flatMap { $0.parts + [.literal(" ")] }))
                }
                if option.hasPrefix("--split-string=") || (option.hasPrefix("-S") && option.count > 2) {
                    let inline = option.hasPrefix("-S") ? String(option.dropFirst(2)) : String(option.dropFirst(15))
                    return .runsShellText(.literal(([inline] + args[index...].compactMap(\.staticText)).joined(separator: " ")))
                }
                if ["-u", "--unset", "-C", "--chdir"].contains(option) { index += 1 }
            }
            while index < args.count, isAssignmentWord(args[index]) { index += 1 }
            return rest()
        case "nice":
            skipOptions(valued: ["-n", "--adjustment"])
            return rest()
        case "timeout", "gtimeout":
            skipOptions(valued: ["-s", "--signal", "-k", "--kill-after"])
            index += 1
            return rest()
        case "time":
            skipOptions(valued: ["-o", "--output", "-f", "--format"])
            return rest()
        case "command":
            while index < args.count, let option = text(index), option.hasPrefix("-") {
                if option.contains("v") || option.contains("V") { return .runsNothing }
                index += 1
                if option == "--" { break }
            }
            return rest()
        case "exec":
            skipOptions(valued: ["-a"])
            return rest()
        case "stdbuf":
            skipOptions(valued: ["-i", "-o", "-e"])
            return rest()
        case "ionice":
            if args.contains(where: { $0.staticText == "-p" || $0.staticText == "-P" || $0.staticText == "-u" }) { return .runsNothing }
            skipOptions(valued: ["-c", "-n", "--class", "--classdata"])
            return rest()
        case "taskset":
            if args.contains(where: { ($0.staticText ?? "").hasPrefix("-") && ($0.staticText ?? "").contains("p") }) { return .runsNothing }
            skipOptions(valued: [])
            index += 1
            return rest()
        case "watch":
            var exec = false
            while index < args.count, let option = text(index), option.hasPrefix("-") {
                index += 1
                if option == "--" { break }
                if option == "-x" || option == "--exec" { exec = true }
                if option == "-n" || option == "--interval" { index += 1 }
            }
            guard index < args.count else { return .runsNothing }
            if exec { return rest() }
            return .runsShellText(ShellWord(Array(args[index...].map { $0.parts }.joined(separator: [.literal(" ")]))))
        default:
            skipOptions(valued: [])
            return rest()
        }
    }

    /// `NAME=value` as an argument (to `env`, `export`, …).
    static func isAssignmentWord(_ word: ShellWord) -> Bool {
        assignmentName(word) != nil
    }

    static func assignmentName(_ word: ShellWord) -> String? {
        guard case .literal(let text)? = word.parts.first, let equals = text.firstIndex(of: "=") else { return nil }
        let name = text[..<equals]
        guard let first = name.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic),
              name.unicodeScalars.allSatisfy({ $0 == "_" || ($0.isASCII && $0.properties.isAlphabetic) || ("0"..."9").contains($0) })
        else { return nil }
        return String(name)
    }

    /// The word after `NAME=`: the value an assignment word gives.
    static func assignmentValue(_ word: ShellWord) -> ShellWord {
        guard case .literal(let text)? = word.parts.first, let equals = text.firstIndex(of: "=") else { return word }
        let rest = String(text[text.index(after: equals)...])
        return ShellWord((rest.isEmpty ? [] : [.literal(rest)]) + word.parts.dropFirst())
    }
}
