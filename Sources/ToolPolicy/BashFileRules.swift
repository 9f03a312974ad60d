/// Rules for programs that read or change files: read-only tools, writers, `find` and `xargs`.
extension BashAnalysis {
    mutating func runReadOnly(_ name: String, _ args: [ShellWord], _ program: BashReadOnlyProgram) {
        let actor = "`\(name)`"
        let arguments = BashArguments(args, valued: program.valued)
        for option in arguments.options where program.askOptions.contains(option.name) {
            ask("`\(name) \(option.name)` does more than read files")
        }
        for file in arguments.values(of: program.readOptions) { checkRead(file, by: actor) }
        for file in arguments.values(of: program.writeOptions) { checkWrite(file, by: actor) }
        var operands = arguments.operands
        if program.patternFirst, !arguments.options.contains(where: { program.patternOptions.contains($0.name) }) {
            operands = Array(operands.dropFirst())
        }
        if name == "uniq" || name == "xxd", operands.count >= 2 {
            checkWrite(operands[1], by: actor)
            operands = [operands[0]]
        }
        let recursive = ["rg", "ag"].contains(name) || (name.hasSuffix("grep") && arguments.has("-r", "-R", "--recursive"))
            || (name == "diff" && arguments.has("-r", "--recursive"))
        if operands.isEmpty, ["ls", "tree", "du", "rg", "ag"].contains(name) || (name.hasSuffix("grep") && recursive) {
            // These read the working directory when given nothing.
            checkRead(.literal("."), by: actor, contents: false)
        }
        for operand in operands { checkRead(operand, by: actor, contents: program.readsContents) }
        if recursive && workspaceHoldsSecrets {
            // Only a filter on names that cannot match a secret keeps the search away from the secret files.
            let filters = arguments.values(of: ["--include", "-g", "--glob", "--iglob", "-G", "--file-search-regex"])
            let avoidsSecrets = !filters.isEmpty && filters.allSatisfy { filter in
                guard let text = filter.staticText, !text.hasPrefix("!") else { return false }
                return !BashPaths.expandBraces(text).contains { BashPaths.couldMatchSecret($0) }
            }
            if !avoidsSecrets {
                ask("\(actor) searches whole directories, which would cover the secret files the workspace holds")
            }
        }
    }

    mutating func runWriter(_ name: String, _ args: [ShellWord]) {
        let actor = "`\(name)`"
        switch name {
        case "rm", "rmdir", "unlink", "shred":
            let arguments = BashArguments(args, valued: name == "shred" ? ["-n", "--iterations", "-s", "--size", "--random-source"] : [])
            let recursive = arguments.has("-r", "-R", "--recursive")
            for operand in arguments.operands {
                let written = checkWrite(operand, by: actor)
                if written.contains(workspace) {
                    deny("\(actor) would delete the whole workspace")
                } else if recursive, deletesEverythingInWorkspace(operand) {
                    deny("\(actor) would delete everything in the workspace")
                }
            }
        case "mv", "cp", "ln", "install":
            let arguments = BashArguments(args, valued: ["-t", "--target-directory", "-S", "--suffix", "-m", "--mode", "-o", "--owner", "-g", "--group"])
            var operands = arguments.operands
            var destinations = arguments.values(of: ["-t", "--target-directory"])
            if name == "install", arguments.has("-d", "--directory") {
                destinations += operands
                operands = []
            } else if destinations.isEmpty, let last = operands.last {
                if operands.count == 1 && name == "ln" {
                    destinations = [.literal(BashPaths.baseName(last.staticText ?? "link"))]
                } else {
                    destinations = [last]
                    operands.removeLast()
                }
            }
            for destination in destinations { checkWrite(destination, by: actor) }
            for source in operands {
                if name == "mv" { checkWrite(source, by: actor) } else { checkRead(source, by: actor) }
            }
        case "mkdir", "mkfifo":
            for operand in BashArguments(args, valued: ["-m", "--mode"]).operands { checkWrite(operand, by: actor) }
        case "touch", "truncate":
            let arguments = BashArguments(args, valued: ["-d", "-t", "-r", "-s", "--date", "--reference", "--size"])
            for file in arguments.values(of: ["-r", "--reference"]) { checkRead(file, by: actor) }
            for operand in arguments.operands { checkWrite(operand, by: actor) }
        case "tee":
            for operand in BashArguments(args).operands { checkWrite(operand, by: actor) }
        case "chmod", "chown", "chgrp":
            runPermissionChange(name, args)
        case "dd":
            for word in args {
                guard case .literal(let text)? = word.parts.first else { continue }
                if text.hasPrefix("of=") {
                    let target = BashWrappers.assignmentValue(word)
                    checkWrite(target, by: actor)
                } else if text.hasPrefix("if=") {
                    checkRead(BashWrappers.assignmentValue(word), by: actor)
                }
            }
        default:
            ask("runs \(actor)")
        }
    }

    /// `rm -r *` (or `./*`, `$PWD/*`) from the workspace root.
    func deletesEverythingInWorkspace(_ operand: ShellWord) -> Bool {
        guard let values = values(of: operand) else { return false }
        return values.contains { value in
            let name = BashPaths.baseName(value)
            guard BashPaths.isGlob(name), BashPaths.globMatches(pattern: Substring(name), name: "anything") || name == ".*" else { return false }
            let parent = value.contains("/") ? String(value[..<(value.lastIndex(of: "/") ?? value.startIndex)]) : "."
            return resolve(parent.isEmpty ? "/" : parent).contains(workspace)
        }
    }

    mutating func runPermissionChange(_ name: String, _ args: [ShellWord]) {
        let actor = "`\(name)`"
        let flags: Set<String> = ["-R", "-v", "-c", "-f", "-h", "-H", "-L", "-P", "--recursive", "--verbose", "--changes", "--silent",
                                  "--quiet", "--no-dereference", "--dereference", "--preserve-root", "--no-preserve-root"]
        var needsFirstOperand = true
        for word in args {
            if let text = word.staticText {
                if flags.contains(text) || text.hasPrefix("--from=") { continue }
                if text.hasPrefix("--reference=") {
                    needsFirstOperand = false
                    continue
                }
                let modeCharacters = Set("0123456789ugoarwxXst+-=,")
                if needsFirstOperand, name == "chmod", text.allSatisfy(modeCharacters.contains) {
                    needsFirstOperand = false
                    continue
                }
            }
            if needsFirstOperand {
                needsFirstOperand = false
                if name != "chmod" { continue }
            }
            checkWrite(word, by: actor)
        }
    }

    mutating func runFind(_ args: [ShellWord]) {
        var roots: [ShellWord] = []
        var index = 0
        while index < args.count {
            let text = args[index].staticText
            if let text, text.hasPrefix("-") || text == "(" || text == "!" || text == ")" { break }
            roots.append(args[index])
            index += 1
        }
        if roots.isEmpty { roots = [.literal(".")] }
        for root in roots { checkRead(root, by: "`find`", contents: false) }
        var namePattern: String?
        for (position, word) in args.enumerated().dropFirst(index) where ["-name", "-iname"].contains(word.staticText ?? "") {
            if position + 1 < args.count, let pattern = args[position + 1].staticText, !pattern.contains("/") {
                namePattern = namePattern ?? pattern
            }
        }
        while index < args.count {
            let option = args[index].staticText ?? ""
            index += 1
            switch option {
            case "-exec", "-execdir", "-ok", "-okdir":
                var command: [ShellWord] = []
                while index < args.count {
                    let text = args[index].staticText
                    index += 1
                    if text == ";" || (text == "+" && command.last?.staticText == "{}") { break }
                    command.append(args[index - 1])
                }
                // The files found stand in as the `-name` pattern when there is one, so `-name '*.pem' -exec cat`
                // reads secrets; without one, as files only known when the command runs.
                targets.noteUnknown()
                let name = namePattern ?? "(found files)"
                if workspaceHoldsSecrets && (namePattern.map { BashPaths.couldMatchSecret($0) } ?? true) {
                    ask("`find \(option)` runs a command on files found when the command runs, which could be the secret files the workspace holds")
                }
                for root in roots.prefix(4) {
                    let found: ShellWord = root.staticText.map { .literal($0 + "/" + name) } ?? ShellWord([.parameter(.init(name: "(files found)"))])
                    let argv = command.map { word -> ShellWord in
                        guard let text = word.staticText, text.contains("{}") else { return word }
                        guard let base = found.staticText else { return found }
                        return .literal(text.replacing("{}", with: base))
                    }
                    run(argv, context: BashCommandContext())
                }
            case "-delete":
                for root in roots where checkWrite(root, by: "`find -delete`").contains(workspace) {
                    if namePattern.map({ BashPaths.globMatches(pattern: Substring($0), name: "anything") }) ?? true {
                        deny("`find -delete` could delete everything in the workspace")
                    }
                }
            case "-fprint", "-fprint0", "-fls", "-fprintf":
                if index < args.count { checkWrite(args[index], by: "`find \(option)`") }
                index += option == "-fprintf" ? 2 : 1
            default:
                continue
            }
        }
    }

    mutating func runXargs(_ args: [ShellWord], context: BashCommandContext) {
        let valued: Set<String> = ["-I", "-n", "-L", "-P", "-s", "-d", "-E", "-a", "--max-args", "--max-lines", "--max-procs",
                                   "--max-chars", "--delimiter", "--eof", "--arg-file", "--replace"]
        var index = 0
        var replace: String?
        var inputFile: ShellWord?
        while index < args.count, let option = args[index].staticText, option.hasPrefix("-"), option.count > 1 {
            index += 1
            if option == "--" { break }
            if valued.contains(option) {
                let value = index < args.count ? args[index] : nil
                index += 1
                if option == "-I" || option == "--replace" { replace = value?.staticText ?? "{}" }
                if option == "-a" || option == "--arg-file" { inputFile = value }
            } else if option.hasPrefix("-I") {
                replace = String(option.dropFirst(2))
            } else if option == "-i" || option.hasPrefix("--replace=") {
                replace = option.hasPrefix("--replace=") ? String(option.dropFirst(10)) : "{}"
            } else if option.hasPrefix("-i") {
                replace = String(option.dropFirst(2))
            } else if option.hasPrefix("-a") {
                inputFile = .literal(String(option.dropFirst(2)))
            }
        }
        if let inputFile { checkRead(inputFile, by: "`xargs`") }
        var fromWorkspace = false
        if inputFile == nil, case .pipe(let source) = context.input { fromWorkspace = source.producesWorkspacePaths }
        let input: ShellWord = fromWorkspace ? .literal("(listed files)") : ShellWord([.parameter(.init(name: "(files named on standard input)"))])
        if fromWorkspace && workspaceHoldsSecrets {
            ask("`xargs` hands the command files listed when it runs, which could be the secret files the workspace holds")
        }
        var command = index < args.count ? Array(args[index...]) : [.literal("echo")]
        if let replace, !replace.isEmpty {
            command = command.map { word in
                guard let text = word.staticText, text.contains(replace) else { return word }
                guard let base = input.staticText else { return input }
                return .literal(text.replacing(replace, with: base))
            }
        } else {
            command.append(input)
        }
        run(command, context: BashCommandContext())
    }

    /// Whether a command prints only paths inside the workspace, so `xargs` after it works on workspace files.
    func producesWorkspacePaths(_ command: ShellCommand) -> Bool {
        guard case .simple(let simple) = command, let (name, args) = BashScriptFacts.effectiveCommand(simple.words),
              let directories = knownDirectories(), directories.allSatisfy({ BashPaths.isInside($0, root: workspace) })
        else { return false }
        let arguments = BashArguments(args)
        var roots: [ShellWord]
        switch name {
        case "find":
            roots = Array(args.prefix { !(($0.staticText ?? "").hasPrefix("-") || ["(", "!"].contains($0.staticText ?? "")) })
        case "fd", "fdfind":
            roots = Array(arguments.operands.dropFirst())
        case "git":
            guard let sub = args.first?.staticText, sub == "ls-files" || (sub == "diff" && arguments.has("--name-only")) else { return false }
            roots = []
        case "grep", "rg":
            guard arguments.has("-l", "-L", "--files-with-matches", "--files") else { return false }
            roots = arguments.has("--files") ? arguments.operands : Array(arguments.operands.dropFirst())
        case "ls":
            roots = arguments.operands
        default:
            return false
        }
        return roots.allSatisfy { root in
            guard let values = values(of: root) else { return false }
            return values.allSatisfy { value in
                resolve(value).allSatisfy { $0.map { BashPaths.isInside($0, root: workspace) } ?? false }
            }
        }
    }
}
