/// Rules for git, the stream editors, network tools, containers and signals.
extension BashAnalysis {
    static let readOnlyGitCommands: Set<String> = [
        "status", "log", "diff", "show", "rev-parse", "ls-files", "blame", "annotate", "describe", "shortlog", "ls-tree",
        "cat-file", "show-ref", "merge-base", "rev-list", "name-rev", "count-objects", "grep", "version", "help",
        "whatchanged", "diff-tree", "diff-files", "diff-index", "for-each-ref", "check-ignore", "check-attr",
    ]

    /// Local git work that changes only the repository in the workspace: allowed without asking when the kernel
    /// confines what runs (the executor also forces git's program-running settings off).
    static let localGitCommands: Set<String> = [
        "add", "commit", "checkout", "switch", "restore", "reset", "stash", "branch", "tag", "merge", "rebase", "cherry-pick",
        "revert", "mv", "rm", "init", "apply", "notes", "reflog",
    ]
    /// Git commands that contact another machine.
    static let remoteGitCommands: Set<String> = [
        "push", "pull", "fetch", "clone", "ls-remote", "send-email", "request-pull", "archive", "remote", "submodule",
    ]

    mutating func runGit(_ args: [ShellWord]) {
        var index = 0
        while index < args.count, let option = args[index].staticText, option.hasPrefix("-") {
            index += 1
            switch option {
            case "-C":
                if index < args.count { checkRead(args[index], by: "`git -C`", contents: false) }
                index += 1
            case "-c":
                checkGitSetting(index < args.count ? args[index] : .literal(""), by: "`git -c`")
                index += 1
            case "--config-env":
                checkGitSetting(index < args.count ? args[index] : .literal(""), by: "`git --config-env`")
                index += 1
            case "--git-dir", "--work-tree", "--namespace", "--exec-path":
                ask("`git \(option)` points git somewhere else")
                index += 1
            default:
                if option.hasPrefix("--git-dir=") || option.hasPrefix("--work-tree=") || option.hasPrefix("--exec-path=") {
                    ask("`git \(option.prefix { $0 != "=" })` points git somewhere else")
                } else if option.hasPrefix("--config-env=") {
                    checkGitSetting(.literal(String(option.dropFirst(13))), by: "`git --config-env`")
                }
            }
        }
        guard index < args.count else { return }
        guard let sub = args[index].staticText else {
            ask("runs a git command that is only known at run time")
            return
        }
        let rest = Array(args[(index + 1)...])
        let actor = "`git \(sub)`"
        checkMentions(rest, by: actor, pathShaped: true)
        let options = rest.compactMap(\.staticText).filter { $0.hasPrefix("-") }
        let operands = rest.filter { !($0.staticText ?? "x").hasPrefix("-") }
        // Local changes to the repository: asked about unless the kernel confines what runs.
        let local = { (analysis: inout BashAnalysis, reason: String) in
            if !analysis.relaxed || !Self.localGitCommands.contains(sub) { analysis.ask(reason) }
        }
        func onlyOptions(_ allowed: Set<String>, prefixes: [String] = []) -> Bool {
            rest.allSatisfy { word in
                guard let text = word.staticText else { return false }
                return allowed.contains(text) || prefixes.contains(where: text.hasPrefix)
            }
        }
        switch sub {
        case _ where Self.readOnlyGitCommands.contains(sub):
            let arguments = BashArguments(rest, valued: ["--output"])
            for file in arguments.values(of: ["--output"]) { checkWrite(file, by: actor) }
            // Paths that leave the repository (`git diff --no-index /etc/x y`) are reads like any other.
            checkPathsLeaving(operands, by: actor)
            if options.contains(where: { $0 == "--ext-diff" || $0 == "-O" || $0.hasPrefix("--open-files-in-pager") || $0.hasPrefix("--textconv") }) {
                ask("\(actor) runs an external program")
            }
        case "config":
            runGitConfig(rest)
        case "add" where workspaceHoldsSecrets && (operands.isEmpty || options.contains { ["-A", "--all", "-u", "--update"].contains($0) }
                                                   || operands.contains { ($0.staticText ?? "*").hasSuffix(".") || BashPaths.couldMatchSecret($0.staticText ?? "*") }):
            ask("`git add` could stage the secret files the workspace holds, and git would then show what they hold")
        case "branch":
            let listing: Set<String> = ["-a", "-r", "-v", "-vv", "-l", "--list", "--all", "--remotes", "--show-current", "--verbose",
                                        "--merged", "--no-merged", "--contains", "--no-color", "--color"]
            if !(onlyOptions(listing, prefixes: ["--sort=", "--format=", "--color=", "--contains=", "--merged=", "--points-at="])
                 || (options.contains(where: { ["-l", "--list", "--contains", "--merged", "--no-merged"].contains($0) }) && !options.contains(where: { ["-d", "-D", "-m", "-M", "-c", "-C", "-f", "--delete", "--move", "--copy", "--force", "-u", "--set-upstream-to", "--unset-upstream", "--edit-description"].contains($0) }))) {
                local(&self, "`git branch` changes branches")
            }
        case "tag":
            if !(rest.isEmpty || options.contains("-l") || options.contains("--list")) || options.contains(where: { ["-d", "-a", "-s", "-f", "-m", "--delete"].contains($0) }) {
                local(&self, "`git tag` changes tags")
            }
        case "remote":
            if !(rest.isEmpty || onlyOptions(["-v", "--verbose"]) || rest.first?.staticText == "get-url") {
                ask("`git remote` changes or contacts remotes")
            }
        case "stash", "worktree", "reflog", "submodule":
            let first = operands.first?.staticText
            if !((sub == "stash" && (first == "list" || first == "show")) || (sub == "worktree" && first == "list")
                 || (sub == "reflog" && (rest.isEmpty || first == "show")) || (sub == "submodule" && (rest.isEmpty || first == "status"))) {
                let reason = "runs `git \(sub)\(first.map { " " + $0 } ?? "")`"
                // Worktrees are made outside the workspace; submodules are fetched from remotes.
                if sub == "worktree" || sub == "submodule" { ask(reason) } else { local(&self, reason) }
            }
        case "rebase" where options.contains(where: { $0 == "-x" || $0.hasPrefix("--exec") || $0 == "-i" || $0 == "--interactive" }):
            ask("`git rebase` runs commands or an editor")
        case _ where Self.remoteGitCommands.contains(sub):
            ask("\(actor) contacts another machine")
        default:
            checkPathsLeaving(operands, by: actor)
            local(&self, "runs `git \(sub)`")
        }
    }

    /// `git -c key=value`: settings that make git run a program are asked about with why; others are local work.
    mutating func checkGitSetting(_ word: ShellWord, by actor: String) {
        guard let text = word.staticText else {
            ask("\(actor) changes a git setting only known at run time")
            return
        }
        let key = String(text.prefix { $0 != "=" })
        if ProgramFiles.gitKeyRunsPrograms(key) {
            ask("\(actor) sets `\(key)`, with which git runs a program")
        } else if !relaxed {
            ask("\(actor) changes git settings for the command")
        }
    }

    /// `git config`: reading is fine; setting a key that makes git run a program is asked about with why; other
    /// settings of the repository are local work; settings outside it (`--global`, `--system`, `--file`) are
    /// writes there.
    mutating func runGitConfig(_ args: [ShellWord]) {
        let actor = "`git config`"
        let arguments = BashArguments(args, valued: ["-f", "--file", "--blob", "--type", "--default", "--comment"])
        let reading: Set<String> = ["--get", "--get-all", "--get-regexp", "--get-urlmatch", "-l", "--list", "--show-origin",
                                    "--show-scope", "--name-only", "get", "list"]
        var operands = arguments.operands.compactMap(\.staticText)
        if operands.count < arguments.operands.count {
            ask("\(actor) changes a git setting only known at run time")
            return
        }
        let readsOnly = arguments.options.contains { reading.contains($0.name) } || ["get", "list"].contains(operands.first ?? "")
            || (operands.count == 1 && !arguments.has("--unset", "--unset-all", "--remove-section", "--rename-section", "-e", "--edit"))
        if readsOnly { return }
        let renames = arguments.has("--rename-section") || operands.first == "rename-section"
        if ["set", "unset", "rename-section", "remove-section", "edit"].contains(operands.first ?? "") { operands.removeFirst() }
        for file in arguments.values(of: ["-f", "--file"]) { checkWrite(file, by: actor) }
        if arguments.has("--global", "--system") {
            ask("\(actor) changes git settings outside the workspace")
        }
        if arguments.has("-e", "--edit") {
            ask("\(actor) opens an editor on git's settings")
        } else if renames {
            ask("\(actor) renames a section of git's settings, which could make git run a program")
        } else if let key = operands.first, ProgramFiles.gitKeyRunsPrograms(key) {
            ask("\(actor) sets `\(key)`, with which git runs a program")
        } else if !relaxed {
            ask("\(actor) changes git settings")
        }
    }

    mutating func runSed(_ args: [ShellWord]) {
        let arguments = BashArguments(args, valued: ["-e", "-f", "-l", "--expression", "--file", "--line-length"])
        let inPlace = arguments.has("-i", "--in-place") || arguments.options.contains { $0.name.hasPrefix("--in-place=") }
        var scripts = arguments.values(of: ["-e", "--expression"])
        var files = arguments.operands
        for file in arguments.values(of: ["-f", "--file"]) {
            checkRead(file, by: "`sed`")
            ask("`sed -f` runs a script from a file")
        }
        if scripts.isEmpty && arguments.values(of: ["-f", "--file"]).isEmpty, !files.isEmpty {
            scripts = [files.removeFirst()]
        }
        for script in scripts {
            if let text = script.staticText {
                if !BashScriptChecks.sedScriptIsSafe(text) { ask("the `sed` script writes files or runs commands") }
            } else {
                ask("the `sed` script is only known at run time")
            }
        }
        for file in files {
            if inPlace { checkWrite(file, by: "`sed -i`") } else { checkRead(file, by: "`sed`") }
        }
    }

    mutating func runAwk(_ name: String, _ args: [ShellWord]) {
        let actor = "`\(name)`"
        let arguments = BashArguments(args, valued: ["-F", "-v", "-f", "-i", "-l", "-W", "--field-separator", "--assign", "--file",
                                                     "--include", "--load"])
        var files = arguments.operands
        let programFiles = arguments.values(of: ["-f", "--file"])
        for file in programFiles {
            checkRead(file, by: actor)
            ask("\(actor) runs a program from a file")
        }
        if arguments.has("-i", "-l", "--include", "--load") { ask("\(actor) loads extensions") }
        if programFiles.isEmpty, !files.isEmpty {
            let program = files.removeFirst()
            if let text = program.staticText {
                switch BashScriptChecks.awkFinding(text) {
                case .readsEnvironment?: deny("the \(actor) program reads the environment, which may hold secrets")
                case .runsOrWrites?: ask("the \(actor) program runs commands or writes files")
                case nil: break
                }
            } else {
                ask("the \(actor) program is only known at run time")
            }
        }
        for file in files where !BashWrappers.isAssignmentWord(file) { checkRead(file, by: actor) }
    }

    mutating func runJq(_ name: String, _ args: [ShellWord]) {
        let actor = "`\(name)`"
        var index = 0
        var filter: ShellWord?
        var files: [ShellWord] = []
        var fromFile = false
        var positional = false
        while index < args.count {
            let word = args[index]
            index += 1
            guard !positional else { continue }
            guard let text = word.staticText, text.hasPrefix("-"), text.count > 1 else {
                if filter == nil && !fromFile { filter = word } else { files.append(word) }
                continue
            }
            switch text {
            case "--arg", "--argjson": index += 2
            case "--slurpfile", "--rawfile":
                if index + 1 < args.count { checkRead(args[index + 1], by: actor) }
                index += 2
            case "-f", "--from-file":
                if index < args.count { checkRead(args[index], by: actor) }
                fromFile = true
                index += 1
            case "-L", "--indent", "--tab-width": index += 1
            case "--args", "--jsonargs": positional = true
            default: continue
            }
        }
        if let filter {
            if let text = filter.staticText {
                if BashScriptChecks.jqReadsEnvironment(text) { deny("the \(actor) filter reads the environment, which may hold secrets") }
            } else {
                ask("the \(actor) filter is only known at run time")
            }
        }
        for file in files { checkRead(file, by: actor) }
    }

    mutating func reachNetwork(_ actor: String) {
        switch configuration.networkTools {
        case .ask: ask("\(actor) reaches the network")
        case .deny: deny("\(actor) reaches the network, which the policy does not allow")
        }
    }

    mutating func runDownloader(_ name: String, _ args: [ShellWord]) {
        let actor = "`\(name)`"
        checkMentions(args, by: actor, pathShaped: false)
        if name == "curl" {
            let arguments = BashArguments(args, valued: [
                "-o", "--output", "--output-dir", "-D", "--dump-header", "-c", "--cookie-jar", "--trace", "--trace-ascii", "--stderr",
                "-K", "--config", "-d", "--data", "--data-binary", "--data-raw", "--data-urlencode", "--data-ascii", "-F", "--form",
                "--form-string", "-T", "--upload-file", "--json", "-H", "--header", "-X", "--request", "-u", "--user", "-A",
                "--user-agent", "-e", "--referer", "-b", "--cookie", "-x", "--proxy", "-m", "--max-time", "--connect-timeout",
                "--retry", "-w", "--write-out", "-r", "--range", "-E", "--cert", "--key", "--cacert", "--capath", "-C",
                "--continue-at", "-z", "--time-cond", "--resolve", "--url", "--limit-rate", "--max-filesize", "--netrc-file",
                "-Q", "--quote", "-y", "-Y", "--retry-delay", "--retry-max-time", "--interface", "--local-port", "--variable",
            ])
            for file in arguments.values(of: ["-o", "--output", "-D", "--dump-header", "-c", "--cookie-jar", "--trace",
                                              "--trace-ascii", "--stderr", "--output-dir"]) where file.staticText != "-" {
                checkWrite(file, by: actor)
            }
            if arguments.has("-O", "--remote-name", "--remote-name-all", "-J") { checkWrite(.literal("downloaded-file"), by: actor) }
            for file in arguments.values(of: ["-T", "--upload-file", "-K", "--config", "--netrc-file", "--cert", "--key", "-E"]) {
                checkRead(file, by: actor)
            }
            for value in arguments.values(of: ["-d", "--data", "--data-binary", "--data-urlencode", "--data-ascii", "--json",
                                               "-F", "--form", "-b", "--cookie"]) {
                guard let text = value.staticText else { continue }
                if let at = text.firstIndex(where: { $0 == "@" || $0 == "<" }), at == text.startIndex || text[text.index(before: at)] == "=" {
                    checkRead(.literal(String(text[text.index(after: at)...].prefix { $0 != ";" })), by: actor)
                }
            }
        } else if name == "wget" {
            let arguments = BashArguments(args, valued: [
                "-O", "--output-document", "-o", "--output-file", "-a", "--append-output", "-P", "--directory-prefix",
                "--post-file", "--body-file", "-i", "--input-file", "--load-cookies", "--save-cookies", "-U", "--user-agent",
                "--header", "-t", "--tries", "-T", "--timeout", "--post-data", "--method", "--body-data", "-e", "--execute",
                "--user", "--password", "-Q", "--quota", "-l", "--level", "-w", "--wait", "-A", "-R", "--accept", "--reject",
            ])
            let documents = arguments.values(of: ["-O", "--output-document"])
            for file in documents + arguments.values(of: ["-o", "--output-file", "-a", "--append-output", "-P",
                                                              "--directory-prefix", "--save-cookies"]) where file.staticText != "-" {
                checkWrite(file, by: actor)
            }
            if documents.isEmpty && !arguments.has("--spider") { checkWrite(.literal("downloaded-file"), by: actor) }
            for file in arguments.values(of: ["--post-file", "--body-file", "-i", "--input-file", "--load-cookies"]) {
                checkRead(file, by: actor)
            }
            if arguments.has("-e", "--execute") { ask("`wget -e` runs wget commands") }
        } else {
            checkMentions(args, by: actor, pathShaped: true)
        }
        reachNetwork(actor)
    }

    mutating func runNetcat(_ name: String, _ args: [ShellWord]) {
        let actor = "`\(name)`"
        let texts = args.map { $0.staticText ?? $0.displayText }
        if name == "socat" {
            if texts.contains(where: { let t = $0.lowercased(); return t.contains("exec:") || t.contains("system:") || t.contains("listen") }) {
                deny("\(actor) opens a network listener or runs commands for the network (a remote shell)")
                return
            }
        } else {
            let listens = texts.contains { text in
                guard text.hasPrefix("-") else { return false }
                if text.hasPrefix("--") { return ["--listen", "--exec", "--sh-exec", "--lua-exec", "--keep-open"].contains { text.hasPrefix($0) } }
                return text.contains("l") || text.contains("e") || text.contains("c") || text.contains("L")
            }
            if listens {
                deny("\(actor) opens a network listener or runs commands for the network (a remote shell)")
                return
            }
        }
        reachNetwork(actor)
    }

    mutating func runContainer(_ name: String, _ args: [ShellWord]) {
        let actor = "`\(name)`"
        let texts = args.map { $0.staticText ?? $0.displayText }
        let privileged = ["--privileged", "--pid=host", "--network=host", "--net=host", "--ipc=host", "--uts=host", "--userns=host",
                          "--cap-add", "--security-opt", "--device"]
        var escapes = texts.contains { text in privileged.contains { text == $0 || text.hasPrefix($0 + "=") } }
        for (index, text) in texts.enumerated() where ["--pid", "--network", "--net", "--ipc"].contains(text) {
            if index + 1 < texts.count, texts[index + 1] == "host" { escapes = true }
        }
        for (index, text) in texts.enumerated() {
            var mount: String?
            if text == "-v" || text == "--volume" || text == "--mount" {
                mount = index + 1 < texts.count ? texts[index + 1] : nil
            } else if text.hasPrefix("--volume=") || text.hasPrefix("--mount=") || (text.hasPrefix("-v") && text.count > 2) {
                mount = String(text.drop { $0 != "=" && $0 != "/" && $0 != "." && $0 != "~" && $0 != "$" }.drop { $0 == "=" })
            }
            guard let mount else { continue }
            let source = mount.hasPrefix("type=") || mount.contains("source=") || mount.contains("src=")
                ? String(mount.split(separator: ",").first { $0.hasPrefix("source=") || $0.hasPrefix("src=") }?.split(separator: "=").last ?? "")
                : String(mount.prefix { $0 != ":" })
            guard source.hasPrefix("/") || source.hasPrefix("~") || source.hasPrefix("$") || source.hasPrefix(".") else { continue }
            let resolved = resolve(source)
            if resolved.contains(where: { $0.map { !BashPaths.isInside($0, root: workspace) } ?? true }) { escapes = true }
        }
        if escapes {
            deny("\(actor) would run a container with host privileges or host files, a dangerous system operation")
        } else {
            runUnknown(name, args)
        }
    }

    mutating func runKill(_ args: [ShellWord]) {
        let texts = args.compactMap(\.staticText)
        var targets: [String] = []
        var index = 0
        while index < texts.count {
            let text = texts[index]
            index += 1
            if text == "--" {
                targets += texts[index...]
                break
            }
            if index == 1 && text.hasPrefix("-") { continue }
            if text == "-s" || text == "-n" {
                index += 1
                continue
            }
            targets.append(text)
        }
        if targets.contains("-1") {
            deny("`kill -1` would signal every process, a dangerous system operation")
        } else {
            ask("`kill` stops processes")
        }
    }
}
