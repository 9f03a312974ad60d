/// The rules for each program: what it reads, writes or runs, and whether that is allowed, asked about or denied.
extension BashAnalysis {
    static let systemDirectories = ["/bin/", "/usr/bin/", "/usr/local/bin/", "/sbin/", "/usr/sbin/", "/usr/local/sbin/",
                                    "/opt/homebrew/bin/"]

    /// Runs one argument vector: the program is its first word.
    mutating func run(_ argv: [ShellWord], context: BashCommandContext) {
        guard let first = argv.first else { return }
        guard depth < Self.maximumDepth else {
            deny("the command is nested too deeply to be checked")
            return
        }
        let args = Array(argv.dropFirst())
        guard let paths = values(of: first) else {
            let shown = Self.shown(first)
            if !first.substitutions.isEmpty {
                deny("the command builds the name of the program it runs at run time (`\(shown)`)")
            } else {
                ask("the program `\(shown)` is only known at run time")
            }
            checkMentions(args, by: "the command", pathShaped: true)
            // `"$SHELL" -c '…'`: whatever the program is, the text it is given is checked as a command.
            if let index = args.firstIndex(where: { $0.staticText == "-c" }), index + 1 < args.count, args[index + 1].isStatic {
                runShellText(args[index + 1], by: "`\(shown)`")
            }
            return
        }
        depth += 1
        for path in paths { runProgram(path, args, context: context) }
        depth -= 1
    }

    mutating func runProgram(_ path: String, _ args: [ShellWord], context: BashCommandContext) {
        let name = BashPaths.baseName(path)
        let actor = "`\(name)`"
        if name.isEmpty || (BashPaths.isGlob(name) && name != "[") {
            ask("the program name `\(path)` is not a plain name")
            return
        }
        if state.functions.contains(path) {
            checkMentions(args, by: "the function `\(path)`", pathShaped: false)
            return
        }
        if configuration.extraDeniedPrograms.contains(name) || configuration.extraDeniedPrograms.contains(path) {
            deny("\(actor) is not allowed by the policy")
            return
        }
        if BashProgramCatalog.privileged.contains(name) {
            deny("\(actor) runs commands with elevated privileges, which is never allowed")
            return
        }
        if BashProgramCatalog.dangerous.contains(name) || name.hasPrefix("mkfs") {
            deny("\(actor) is a dangerous system command")
            return
        }
        if path.contains("/"), !Self.systemDirectories.contains(where: path.hasPrefix) {
            checkRead(.literal(path), by: "running `\(path)`")
            checkMentions(args, by: "`\(path)`", pathShaped: true)
            checkPathsLeaving(args, by: "`\(path)`")
            runWorkspaceCode("`\(path)`", question: "runs the program `\(path)`", inside: isInsideWorkspace(.literal(path)))
            return
        }
        if let wrapped = BashWrappers.unwrap(name, args) {
            runWrapper(name, args, wrapped, context: context)
            return
        }
        if let program = BashProgramCatalog.readOnly[name] ?? (configuration.extraReadOnlyPrograms.contains(name) ? BashReadOnlyProgram() : nil) {
            runReadOnly(name, args, program)
            return
        }
        if BashProgramCatalog.textOnly.contains(name) {
            checkMentions(args, by: actor, pathShaped: false)
            return
        }
        if BashProgramCatalog.writers.contains(name) {
            runWriter(name, args)
            return
        }
        if BashScriptFacts.shells.contains(name) {
            runShell(name, args, context: context)
            return
        }
        if let key = BashProgramCatalog.interpreterKey(name) {
            runInterpreter(name, args, inlineOptions: BashProgramCatalog.interpreters[key] ?? [], context: context)
            return
        }
        if BashScriptFacts.downloaders.contains(name) {
            runDownloader(name, args)
            return
        }
        if let subcommands = BashProgramCatalog.projectTools[name] {
            runProjectTool(name, args, subcommands: subcommands)
            return
        }
        switch name {
        case "cd", "pushd", "popd": changeDirectory(name, args)
        case "eval": runEval(args)
        case "source", ".": runSource(name, args)
        case "xargs": runXargs(args, context: context)
        case "find": runFind(args)
        case "git": runGit(args)
        case "sed": runSed(args)
        case "awk", "gawk", "mawk", "nawk": runAwk(name, args)
        case "jq", "gojq", "yq": runJq(name, args)
        case "trap": runTrap(args)
        case "printenv": deny("`printenv` prints the environment, which may hold secrets")
        case "set": if args.isEmpty { deny("`set` without arguments prints every variable, which may hold secrets") }
        case "export", "declare", "typeset", "readonly", "local": runDeclaration(name, args)
        case "compgen":
            if args.contains(where: { ["-e", "-v", "-A"].contains($0.staticText ?? "") }) {
                deny("`compgen` lists the environment's variables, which may hold secrets")
            } else {
                ask("runs `compgen`")
            }
        case "ps":
            if args.contains(where: { text in (text.staticText ?? "").first != "-" && (text.staticText ?? "").contains("e") }) {
                deny("`ps e` prints the environment of processes, which may hold secrets")
            } else {
                ask("runs `ps`")
            }
        case "date":
            let arguments = BashArguments(args, valued: ["-d", "--date", "-f", "--file", "-r", "--reference", "-s", "--set"])
            for file in arguments.values(of: ["-f", "--file", "-r", "--reference"]) { checkRead(file, by: actor) }
            if arguments.has("-s", "--set") { ask("`date --set` changes the system clock") }
        case "hostname":
            if args.contains(where: { !($0.staticText ?? "x").hasPrefix("-") }) { ask("`hostname` with a name changes the host name") }
        case "kill": runKill(args)
        case "pkill", "killall": ask("\(actor) stops processes by name")
        case "nc", "ncat", "netcat", "socat": runNetcat(name, args)
        case "docker", "podman", "nerdctl": runContainer(name, args)
        case "history", "fc": ask("\(actor) shows the shell history")
        case "alias": ask("`alias` changes what command names mean")
        default: runUnknown(name, args)
        }
    }

    mutating func runUnknown(_ name: String, _ args: [ShellWord]) {
        checkMentions(args, by: "`\(name)`", pathShaped: true)
        for word in args {
            let text = word.staticText ?? word.displayText
            if BashProgramCatalog.environmentDumpMarkers.contains(where: text.contains) {
                deny("`\(name)` prints the environment, which may hold secrets")
            }
        }
        if let sub = args.first?.staticText, !sub.hasPrefix("-"), !sub.contains("/"), sub.count < 30 {
            ask("runs `\(name) \(sub)`")
        } else {
            ask("runs `\(name)`")
        }
    }

    // MARK: Wrappers

    mutating func runWrapper(_ name: String, _ args: [ShellWord], _ wrapped: BashWrappers.Wrapped, context: BashCommandContext) {
        if name == "env" {
            for word in args {
                if let variable = BashWrappers.assignmentName(word), Self.isRiskyVariable(variable) {
                    ask("the command runs with `\(variable)` changed")
                }
            }
            if let directory = Self.envDirectory(args), case .runs(let argv) = wrapped {
                // The wrapped command runs from that directory.
                let saved = state
                changeDirectory("cd", [directory])
                failureState = nil
                run(argv, context: context)
                state = saved
                return
            }
        }
        if name == "time", let output = BashArguments(args, valued: ["-o", "--output", "-f", "--format"]).values(of: ["-o", "--output"]).first {
            checkWrite(output, by: "`time -o`")
        }
        switch wrapped {
        case .runs(let argv):
            run(argv, context: context)
        case .runsShellText(let word):
            runShellText(word, by: "`\(name)`")
        case .runsNothing:
            if name == "env" { deny("`env` without a command prints the environment, which may hold secrets") }
        }
    }

    /// The directory `env -C dir` / `env --chdir=dir` runs its command in.
    static func envDirectory(_ args: [ShellWord]) -> ShellWord? {
        var index = 0
        while index < args.count, let option = args[index].staticText, option.hasPrefix("-"), option != "--" {
            index += 1
            if option == "-C" || option == "--chdir" { return index < args.count ? args[index] : nil }
            if option.hasPrefix("--chdir=") { return .literal(String(option.dropFirst(8))) }
            if option.hasPrefix("-C") { return .literal(String(option.dropFirst(2))) }
            if option == "-u" || option == "--unset" { index += 1 }
        }
        return nil
    }

    /// Text a program hands to a shell: checked as a script when known, refused when built at run time.
    mutating func runShellText(_ word: ShellWord, by actor: String) {
        if let text = word.staticText {
            do {
                analyzeNested(try ShellParser.parse(text))
            } catch {
                deny("the command given to \(actor) could not be parsed safely (\(error.message))")
            }
            return
        }
        if Self.contains(word, where: Self.isDownload) {
            deny("\(actor) runs code downloaded from the network")
        } else if Self.contains(word, where: Self.isDecoder) {
            deny("\(actor) runs hidden (decoded) commands")
        } else if !word.substitutions.isEmpty {
            deny("\(actor) runs a command that is built at run time from another command's output")
        } else {
            // Only variables: check the command's shape with each variable standing for an unknown value.
            let skeleton = Self.skeleton(word.parts)
            if let parsed = try? ShellParser.parse(skeleton) {
                analyzeNested(parsed)
                ask("\(actor) runs a command that depends on `$\(word.parameterNames.first ?? "?")`")
            } else {
                deny("the command given to \(actor) could not be parsed safely")
            }
        }
    }

    /// The text of parts with each expansion replaced by a quoted unknown-valued variable.
    static func skeleton(_ parts: [ShellWordPart]) -> String {
        parts.map { part -> String in
            switch part {
            case .literal(let text), .quoted(let text): text
            case .doubleQuoted(let inner): skeleton(inner)
            case .parameter(let expansion): "\"$\(expansion.name == "@" || expansion.name == "*" ? "UNKNOWN" : expansion.name)\""
            case .commandSubstitution, .processSubstitution, .arithmetic: "\"$UNKNOWN\""
            }
        }.joined()
    }

    // MARK: Shells, interpreters, eval and source

    mutating func runShell(_ name: String, _ args: [ShellWord], context: BashCommandContext) {
        let actor = "`\(name)`"
        var index = 0
        var command: ShellWord?
        var readsStandardInput = false
        while index < args.count, let option = args[index].staticText, option.hasPrefix("-") || option.hasPrefix("+"), option.count > 1 {
            index += 1
            if option == "--" { break }
            if !option.hasPrefix("--"), option.hasPrefix("-"), option.contains("s") { readsStandardInput = true }
            if ["-o", "+o", "-O", "+O", "--rcfile", "--init-file"].contains(option) {
                index += 1
            } else if !option.hasPrefix("--"), option.contains("c") {
                command = index < args.count ? args[index] : ShellWord([])
                break
            }
        }
        checkMentions(args, by: actor, pathShaped: command == nil)
        if let command {
            runShellText(command, by: "`\(name) -c`")
            return
        }
        if index < args.count, !readsStandardInput {
            runScriptFile(args[index], by: actor)
            return
        }
        runStandardInput(by: actor, isShell: true, context: context)
    }

    /// `bash script.sh`, `python3 <(curl …)`: a script named by a word.
    mutating func runScriptFile(_ script: ShellWord, by actor: String) {
        if Self.contains(script, where: Self.isDownload) {
            deny("\(actor) runs code downloaded from the network")
        } else if Self.contains(script, where: Self.isDecoder) {
            deny("\(actor) runs hidden (decoded) commands")
        } else if !script.substitutions.isEmpty {
            deny("\(actor) runs a script produced at run time")
        } else if values(of: script) == nil {
            deny("\(actor) runs a script named only at run time (`\(Self.shown(script))`)")
        } else {
            checkRead(script, by: actor)
            runWorkspaceCode(actor, question: "\(actor) runs the script `\(Self.shown(script))`", inside: isInsideWorkspace(script))
        }
    }

    /// A shell or interpreter reading its program from standard input.
    mutating func runStandardInput(by actor: String, isShell: Bool, context: BashCommandContext) {
        switch context.input {
        case .pipe(let source):
            if source.downloads {
                deny("the command pipes a download from the network into \(actor)")
            } else if source.decodes {
                deny("the command pipes hidden (decoded) commands into \(actor)")
            } else {
                ask("\(actor) runs commands read from a pipe")
            }
        case .text(let body):
            if isShell {
                runShellText(body, by: actor)
            } else {
                runInlineCode(actor, body)
            }
        case .file(let word):
            runScriptFile(word, by: actor)
        case .inherited:
            ask("\(actor) starts an interactive session")
        }
    }

    mutating func runInterpreter(_ name: String, _ args: [ShellWord], inlineOptions: Set<String>, context: BashCommandContext) {
        let actor = "`\(name)`"
        checkMentions(args, by: actor, pathShaped: false)
        for word in args {
            let text = word.staticText ?? word.displayText
            if BashProgramCatalog.environmentDumpMarkers.contains(where: text.contains) {
                deny("\(actor) prints the environment, which may hold secrets")
            }
            if Self.contains(word, where: Self.isDownload) { deny("\(actor) runs code downloaded from the network") }
        }
        var index = 0
        while index < args.count, let option = args[index].staticText, option.hasPrefix("-"), option != "-" {
            index += 1
            if inlineOptions.contains(option) {
                runInlineCode(actor, index < args.count ? args[index] : nil)
                return
            }
            if option.count > 2 && inlineOptions.contains(String(option.prefix(2))) {
                runInlineCode(actor, .literal(String(option.dropFirst(2))))
                return
            }
            if option == "-m" {
                let module = index < args.count ? args[index].staticText ?? Self.shown(args[index]) : ""
                let question = "\(actor) runs the module `\(module)`"
                if BashProgramCatalog.projectModules.contains(module) { runWorkspaceCode(actor, question: question) } else { ask(question) }
                return
            }
            if option == "--" { break }
        }
        if index < args.count, inlineOptions.contains(args[index].staticText ?? "") {
            runInlineCode(actor, index + 1 < args.count ? args[index + 1] : nil)
            return
        }
        if index < args.count, args[index].staticText != "-" {
            runScriptFile(args[index], by: actor)
            return
        }
        if case .inherited = context.input, let option = args.first?.staticText {
            ask("runs `\(name) \(option)`")
            return
        }
        runStandardInput(by: actor, isShell: false, context: context)
    }

    /// Code given to an interpreter inline (`python3 -c …`, a heredoc): code that names the network is asked
    /// about as a network tool; any other runs like the project's own code.
    mutating func runInlineCode(_ actor: String, _ code: ShellWord?) {
        if let code {
            checkMentions([code], by: actor, pathShaped: false)
            let text = code.staticText ?? code.displayText
            // A file named in the code (`open('.env')`) is one the program reads.
            let names = text.split { !($0.isLetter || $0.isNumber || "._-/~*?".contains($0)) }
            if let secret = names.first(where: { BashPaths.isSecret(String($0)) }) {
                deny("\(actor) is given code that reads `\(secret)`, which holds secrets")
            }
            if BashProgramCatalog.networkCodeMarkers.contains(where: text.contains) { reachNetwork(actor) }
        }
        runWorkspaceCode(actor, question: "\(actor) runs inline code")
    }

    /// The project's own code (a script, a test runner, an interpreter) run from inside the workspace: asked
    /// about unless the kernel confines what runs; even then asked when the workspace holds secrets it could read.
    mutating func runWorkspaceCode(_ actor: String, question: String, inside: Bool = true) {
        guard let directories = knownDirectories() else {
            ask("\(question), from a working directory only decided when the command runs")
            return
        }
        guard directories.allSatisfy({ BashPaths.isInside($0, root: workspace) }) else {
            ask("\(question), from a directory outside the workspace")
            return
        }
        guard relaxed, inside else {
            ask(question)
            return
        }
        if workspaceHoldsSecrets {
            ask("\(actor) runs code of its own, and the workspace holds secret files such a program could read")
        }
    }

    /// Whether every path `word` may name is inside the workspace.
    func isInsideWorkspace(_ word: ShellWord) -> Bool {
        guard let values = values(of: word) else { return false }
        return values.allSatisfy { value in resolve(value).allSatisfy { $0.map { BashPaths.isInside($0, root: workspace) } ?? false } }
    }

    /// Build tools and test runners (`make`, `npm test`, `cargo test`, …): the project's own code.
    mutating func runProjectTool(_ name: String, _ args: [ShellWord], subcommands: Set<String>?) {
        let sub = args.first { !($0.staticText ?? "-").hasPrefix("-") }?.staticText
        if let subcommands, !subcommands.contains(sub ?? "") {
            runUnknown(name, args)
            return
        }
        checkMentions(args, by: "`\(name)`", pathShaped: true)
        checkPathsLeaving(args, by: "`\(name)`")
        let shown = subcommands == nil ? name : "\(name) \(sub ?? "")"
        runWorkspaceCode("`\(shown)`", question: "runs `\(shown)`")
    }

    /// Arguments that name a path outside the workspace (`/x`, `~/x`, `../x`, `--opt=/x`) are reads like any other.
    mutating func checkPathsLeaving(_ args: [ShellWord], by actor: String) {
        for word in args {
            guard var text = word.staticText else { continue }
            if text.hasPrefix("-"), let equals = text.firstIndex(of: "=") { text = String(text[text.index(after: equals)...]) }
            guard text.hasPrefix("/") || text.hasPrefix("~") || text == ".." || text.hasPrefix("../") || text.contains("/../") else { continue }
            checkRead(.literal(text), by: actor)
        }
    }

    mutating func runEval(_ args: [ShellWord]) {
        let texts = args.compactMap(\.staticText)
        if texts.count == args.count {
            runShellText(.literal(texts.joined(separator: " ")), by: "`eval`")
        } else if args.contains(where: { Self.contains($0, where: Self.isDownload) }) {
            deny("`eval` runs code downloaded from the network")
        } else {
            deny("`eval` runs text that is only known at run time, which cannot be checked")
        }
    }

    mutating func runSource(_ name: String, _ args: [ShellWord]) {
        guard let file = args.first else { return }
        let actor = "`\(name)`"
        if Self.contains(file, where: Self.isDownload) {
            deny("\(actor) runs code downloaded from the network")
        } else if !file.substitutions.isEmpty || values(of: file) == nil {
            deny("\(actor) runs a script that is only known at run time, which cannot be checked")
        } else {
            checkRead(file, by: actor)
            runWorkspaceCode(actor, question: "\(actor) runs `\(Self.shown(file))` in the current shell", inside: isInsideWorkspace(file))
        }
        // The sourced script may set anything.
        state.variables.removeAll()
    }

    mutating func runTrap(_ args: [ShellWord]) {
        guard let action = args.first, let text = action.staticText, !text.hasPrefix("-") else { return }
        if args.count > 1 { runShellText(action, by: "`trap`") }
    }

    mutating func runDeclaration(_ name: String, _ args: [ShellWord]) {
        let options = args.compactMap(\.staticText).filter { $0.hasPrefix("-") || $0.hasPrefix("+") }
        let names = args.filter { !($0.staticText ?? "x").hasPrefix("-") && !($0.staticText ?? "x").hasPrefix("+") }
        if names.isEmpty {
            let printsFunctionsOnly = options.contains { $0.contains("f") || $0.contains("F") }
            if !printsFunctionsOnly && name != "local" {
                deny("`\(name)` without names prints variables, which may hold secrets")
            }
            return
        }
        for word in names {
            guard let variable = BashWrappers.assignmentName(word) ?? word.staticText else { continue }
            if Self.isRiskyVariable(variable) { ask("the command changes `\(variable)` for the commands after it") }
            if BashWrappers.isAssignmentWord(word) {
                state.variables[variable] = values(of: BashWrappers.assignmentValue(word))
            }
        }
    }

    // MARK: Working directory

    mutating func changeDirectory(_ name: String, _ args: [ShellWord]) {
        failureState = state
        let operands = BashArguments(args).operands
        let next: [String?]
        if name == "popd" {
            next = [nil]
        } else if let target = operands.first {
            if target.staticText == "-" {
                next = [nil]
            } else if let values = values(of: target) {
                // Absurdly long paths are not worth following.
                next = values.flatMap { resolve($0) }.map { $0.flatMap { $0.utf8.count > 4_096 ? nil : $0 } }
            } else {
                next = [nil]
            }
        } else {
            next = name == "pushd" ? [nil] : [homeDirectory]
        }
        var unique: [String?] = []
        for directory in next where !unique.contains(directory) { unique.append(directory) }
        state.directories = unique.count <= BashShellState.maximumPossibilities ? unique : [nil]
        // The shell enters the directory by its logical path; a link on the way is for the check on disk to see.
        for directory in state.directories {
            if let directory, !directory.hasPrefix("/~") { targets.note(directory) } else { targets.noteUnknown() }
            if let directory, directory != workspace, BashPaths.isInside(directory, root: workspace) { enteredDirectories.insert(directory) }
        }
    }
}
