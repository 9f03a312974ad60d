/// Walks a parsed script the way the shell would run it, keeping track of the working directory and of
/// variables, and records a finding for every command. See BashProgramRules.swift for the per-program rules.
struct BashAnalysis {
    let configuration: BashPolicy.Configuration
    let workspace: String
    /// HOME when known; otherwise a placeholder that is outside every workspace and still shows `.ssh` & co.
    let homeDirectory: String
    let homeIsKnown: Bool
    /// The kernel confines what runs and the operator lets ordinary work inside the workspace go without asking.
    let relaxed: Bool
    /// The workspace holds secret files: code of its own, or a search over directories, could read them.
    let workspaceHoldsSecrets: Bool
    /// Every path the command names that could be resolved statically, for the executor's check on disk.
    var targets = BashTargets()
    /// Directories other than the workspace that `cd` entered anywhere in the script: a path through one (relative
    /// to it, or `$PWD/x`) goes wherever the directory really is, which a link could make elsewhere.
    var enteredDirectories: Set<String> = []
    var state: BashShellState
    var collector = BashVerdictCollector()
    var depth = 0
    /// Set by `cd` and friends: the state when they fail, for `||` and for what follows a `;`.
    var failureState: BashShellState?
    /// What the commands of the script being analyzed read as standard input when nothing redirects it: a loop or
    /// group at the end of a pipe, or a process substitution fed by a download, passes its input on.
    var standardInput: BashCommandContext.Input = .inherited

    static let maximumDepth = 24

    init(configuration: BashPolicy.Configuration, context: ToolCallContext) {
        self.configuration = configuration
        self.workspace = BashPaths.normalize(context.workspace)
        let home = context.home.flatMap { $0.hasPrefix("/") ? BashPaths.normalize($0) : nil }
        self.homeDirectory = home ?? "/~"
        self.homeIsKnown = home != nil
        self.relaxed = context.confined && configuration.workspaceWork == .allowWhenConfined
        self.workspaceHoldsSecrets = context.workspaceHoldsSecrets
        self.state = BashShellState(directory: self.workspace)
    }

    mutating func deny(_ reason: String) { collector.deny(reason) }
    mutating func ask(_ reason: String) { collector.ask(reason) }

    // MARK: Lists and pipelines

    mutating func analyze(_ script: ShellScript) {
        for item in script.items {
            if item.background {
                let saved = state
                analyze(item.andOr)
                state = saved
            } else {
                analyze(item.andOr)
            }
        }
    }

    mutating func analyze(_ list: ShellAndOrList) {
        var (success, failure) = analyze(list.first)
        var exits: [BashShellState] = []
        for (connector, pipeline) in list.rest {
            switch connector {
            case .and:
                exits.append(failure)
                state = success
            case .or:
                exits.append(success)
                state = failure
            }
            (success, failure) = analyze(pipeline)
        }
        state = BashShellState.merged(exits + [success, failure]) ?? state
    }

    mutating func analyze(_ pipeline: ShellPipeline) -> (success: BashShellState, failure: BashShellState) {
        if pipeline.commands.count == 1, let command = pipeline.commands.first {
            failureState = nil
            analyze(command, context: BashCommandContext(input: standardInput))
            let failure = failureState ?? state
            failureState = nil
            return pipeline.negated ? (failure, state) : (state, failure)
        }
        // Each part of a pipeline runs in a subshell of its own.
        let saved = state
        var downloads = false
        var decodes = false
        for (index, command) in pipeline.commands.enumerated() {
            var context = BashCommandContext(input: standardInput)
            if index > 0 {
                let previous = pipeline.commands[index - 1]
                downloads = downloads || Self.contains(previous, where: Self.isDownload)
                decodes = decodes || Self.contains(previous, where: Self.isDecoder)
                context.input = .pipe(BashPipeSource(downloads: downloads, decodes: decodes,
                                                     producesWorkspacePaths: producesWorkspacePaths(previous)))
            }
            analyze(command, context: context)
            state = saved
        }
        return (saved, saved)
    }

    /// A substitution or nested script: checked in full, its changes to the shell kept to itself.
    mutating func analyzeNested(_ script: ShellScript, input: BashCommandContext.Input? = nil) {
        guard depth < Self.maximumDepth else {
            deny("the command is nested too deeply to be checked")
            return
        }
        let saved = state
        let savedInput = standardInput
        if let input { standardInput = input }
        depth += 1
        analyze(script)
        depth -= 1
        state = saved
        standardInput = savedInput
    }

    // MARK: Commands

    mutating func analyze(_ command: ShellCommand, context: BashCommandContext) {
        switch command {
        case .simple(let simple):
            analyze(simple, context: context)
        case .compound(let compound):
            analyze(compound, context: context)
        case .functionDefinition(let name, let body):
            if Self.isForkBomb(name: name, body: body) {
                deny("the function `\(name)` calls itself without end (a fork bomb)")
            }
            let saved = state
            state.functions.insert(name)
            analyze(body, context: BashCommandContext())
            state = saved
            state.functions.insert(name)
        }
    }

    mutating func analyze(_ compound: ShellCompoundCommand, context: BashCommandContext) {
        var context = context
        for word in compound.words { inspect(word) }
        for redirection in compound.redirections { inspect(redirection, context: &context) }
        let before = state
        let savedInput = standardInput
        standardInput = context.input
        defer { standardInput = savedInput }
        switch compound.kind {
        case .subshell:
            analyze(compound.bodies[0])
            state = before
        case .braceGroup:
            analyze(compound.bodies[0])
        case .ifClause(let hasElse):
            var outcomes: [BashShellState] = []
            let pairs = (compound.bodies.count - (hasElse ? 1 : 0)) / 2
            for index in 0..<pairs {
                analyze(compound.bodies[2 * index])
                let afterCondition = state
                analyze(compound.bodies[2 * index + 1])
                outcomes.append(state)
                state = afterCondition
            }
            if hasElse, let last = compound.bodies.last { analyze(last) }
            outcomes.append(state)
            state = BashShellState.merged(outcomes) ?? state
        case .whileLoop, .untilLoop:
            analyzeLoop(compound.bodies, before: before)
        case .forLoop(let variable, let hasList):
            var values: [String]? = hasList ? [] : nil
            for word in compound.words {
                guard let wordValues = self.values(of: word), let known = values else {
                    values = nil
                    break
                }
                values = known + wordValues
            }
            let loopValues = values.flatMap { $0.count <= BashShellState.maximumPossibilities ? $0 : nil }
            analyzeLoop(compound.bodies, before: before, variable: (variable, loopValues))
        case .arithmeticForLoop:
            analyzeLoop(compound.bodies, before: before)
        case .caseClause:
            var outcomes = [state]
            for body in compound.bodies {
                state = before
                analyze(body)
                outcomes.append(state)
            }
            state = BashShellState.merged(outcomes) ?? state
        case .arithmetic, .conditional:
            break
        }
    }

    /// Loop bodies run any number of times: twice is enough for a value set in one pass to reach the next.
    /// A `for` loop's variable takes each listed value at the top of every pass.
    mutating func analyzeLoop(_ bodies: [ShellScript], before: BashShellState, variable: (name: String, values: [String]?)? = nil) {
        for _ in 0..<2 {
            if let variable { state.variables[variable.name] = variable.values }
            for body in bodies { analyze(body) }
            state.merge(before)
        }
    }

    mutating func analyze(_ command: ShellSimpleCommand, context: BashCommandContext) {
        var context = context
        for assignment in command.assignments {
            inspect(assignment.value)
            for value in assignment.arrayValues { inspect(value) }
        }
        for redirection in command.redirections { inspect(redirection, context: &context) }
        // `>(…)` reads what the command writes: a download, or whatever the command was fed.
        let isDownload = BashScriptFacts.isDownload(command)
        let feeding: BashCommandContext.Input = isDownload
            ? .pipe(BashPipeSource(downloads: true, decodes: false, producesWorkspacePaths: false)) : context.input
        for word in command.words { inspect(word, feeding: feeding) }
        for redirection in command.redirections { inspectOutputSubstitutions(redirection.target, feeding: feeding) }
        guard !command.words.isEmpty else {
            for assignment in command.assignments { assign(assignment) }
            return
        }
        let program = command.words[0].staticText.map(BashPaths.baseName) ?? command.words[0].displayText
        for assignment in command.assignments where Self.isRiskyVariable(assignment.name) {
            ask("`\(program)` runs with `\(assignment.name)` changed")
        }
        run(command.words, context: context)
    }

    /// Checks that apply to every word wherever it appears: substitutions run, secret variables, raw sockets.
    /// `feeding` is what an output process substitution `>(…)` in the word would read.
    mutating func inspect(_ word: ShellWord, feeding: BashCommandContext.Input = .inherited) {
        let outputs = word.outputProcessSubstitutions
        for script in word.substitutions where !outputs.contains(script) { analyzeNested(script) }
        for script in outputs { analyzeNested(script, input: feeding) }
        for name in word.parameterNames where Self.isSecretVariable(name) {
            deny("the command reads the secret environment variable `$\(name)`")
        }
        if BashPaths.isNetworkDevice(word.displayText) {
            deny("the command opens a raw network connection through /dev/tcp or /dev/udp")
        }
    }

    mutating func inspectOutputSubstitutions(_ word: ShellWord, feeding: BashCommandContext.Input) {
        for script in word.outputProcessSubstitutions { analyzeNested(script, input: feeding) }
    }

    mutating func inspect(_ redirection: ShellRedirection, context: inout BashCommandContext) {
        let outputs = redirection.target.outputProcessSubstitutions
        for script in redirection.target.substitutions where !outputs.contains(script) { analyzeNested(script) }
        for name in redirection.target.parameterNames where Self.isSecretVariable(name) {
            deny("the command reads the secret environment variable `$\(name)`")
        }
        if BashPaths.isNetworkDevice(redirection.target.displayText) {
            deny("the command opens a raw network connection through /dev/tcp or /dev/udp")
        }
        if let body = redirection.heredocBody { inspect(body) }
        let readsStandardInput = redirection.fileDescriptor == nil || redirection.fileDescriptor == 0
        switch redirection.op {
        case .heredoc, .heredocStrippingTabs:
            if readsStandardInput { context.input = .text(redirection.heredocBody ?? ShellWord([])) }
        case .hereString:
            if readsStandardInput { context.input = .text(redirection.target) }
        case .input:
            checkRead(redirection.target, by: "the input redirection")
            if readsStandardInput { context.input = .file(redirection.target) }
        case .duplicateInput:
            if !redirection.duplicatesDescriptor { checkRead(redirection.target, by: "the input redirection") }
        case .duplicateOutput:
            if !redirection.duplicatesDescriptor { checkWrite(redirection.target, by: "the output redirection") }
        case .output, .append, .clobber, .readWrite, .outputAndError, .appendOutputAndError:
            checkWrite(redirection.target, by: "the output redirection")
        }
    }

    mutating func assign(_ assignment: ShellAssignment) {
        if Self.isRiskyVariable(assignment.name) {
            ask("the command changes `\(assignment.name)` for the commands after it")
        }
        if assignment.appends || !assignment.arrayValues.isEmpty {
            state.variables[assignment.name] = nil
        } else {
            state.variables[assignment.name] = values(of: assignment.value)
        }
    }

    // MARK: Facts about names

    static func isSecretVariable(_ name: String) -> Bool {
        let upper = name.uppercased()
        return ["TOKEN", "SECRET", "PASSW", "CREDENTIAL", "API_KEY", "APIKEY", "PRIVATE_KEY", "ACCESS_KEY", "AUTH_KEY"]
            .contains { upper.contains($0) }
    }

    static let riskyVariables: Set<String> = [
        "PATH", "IFS", "BASH_ENV", "ENV", "PS4", "PROMPT_COMMAND", "SHELLOPTS", "BASHOPTS", "CDPATH", "HOME",
        "PAGER", "MANPAGER", "EDITOR", "VISUAL", "LESSOPEN", "LESSCLOSE", "PYTHONPATH", "PYTHONSTARTUP",
        "NODE_OPTIONS", "PERL5OPT", "PERL5LIB", "RUBYOPT",
    ]

    static func isRiskyVariable(_ name: String) -> Bool {
        riskyVariables.contains(name) || name.hasPrefix("LD_") || name.hasPrefix("DYLD_") || name.hasPrefix("GIT_")
    }

    static func isForkBomb(name: String, body: ShellCommand) -> Bool {
        let calls = BashScriptFacts.simpleCommands(in: body).filter { $0.words.first?.staticText == name }.count
        return calls >= 2 || (calls >= 1 && BashScriptFacts.runsInBackground(body))
    }
}
