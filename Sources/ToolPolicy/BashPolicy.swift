/// Decides whether a command for Claude Code's Bash tool may run: it parses the command the way a shell would,
/// then checks every command in it, including those inside substitutions, wrappers and `sh -c` strings.
/// Paths are checked lexically against the workspace; the executor checks the real paths again before use.
public struct BashPolicy: Sendable {
    public struct Configuration: Sendable {
        public enum Handling: Sendable, Equatable {
            case ask
            case deny
        }

        /// Programs treated like `cat`: read-only, their operands are files they read.
        public var extraReadOnlyPrograms: Set<String>
        /// Programs that are always refused.
        public var extraDeniedPrograms: Set<String>
        /// Network tools (`curl`, `wget`, …) that do not feed a shell. Feeding a shell is always denied.
        public var networkTools: Handling
        /// Reading files outside the workspace (secrets are always denied).
        public var readsOutsideWorkspace: Handling
        /// Absolute directories besides the workspace where reads are allowed (for example `/usr/share/doc`).
        public var extraReadableDirectories: [String]
        /// Absolute directories besides the workspace where writes are asked about rather than denied (`/tmp`).
        public var extraWritableDirectories: [String]
        /// Longer commands are refused outright.
        public var maximumCommandLength: Int
        /// Ordinary work inside the workspace (writes, running the project's scripts, tests and interpreters) when
        /// the kernel confines the CLI: allowed without asking (the default), or asked about as when it is not.
        public var workspaceWork: WorkspaceWork

        public enum WorkspaceWork: Sendable, Equatable {
            case allowWhenConfined
            case ask
        }

        public init(
            extraReadOnlyPrograms: Set<String> = [],
            extraDeniedPrograms: Set<String> = [],
            networkTools: Handling = .ask,
            readsOutsideWorkspace: Handling = .ask,
            extraReadableDirectories: [String] = [],
            extraWritableDirectories: [String] = [],
            maximumCommandLength: Int = 100_000,
            workspaceWork: WorkspaceWork = .allowWhenConfined
        ) {
            self.extraReadOnlyPrograms = extraReadOnlyPrograms
            self.extraDeniedPrograms = extraDeniedPrograms
            self.networkTools = networkTools
            self.readsOutsideWorkspace = readsOutsideWorkspace
            self.extraReadableDirectories = extraReadableDirectories
            self.extraWritableDirectories = extraWritableDirectories
            self.maximumCommandLength = maximumCommandLength
            self.workspaceWork = workspaceWork
        }
    }

    public let configuration: Configuration

    public init(configuration: Configuration = .init()) {
        self.configuration = configuration
    }

    /// The verdict when nothing is known but the workspace and HOME: as if the CLI were not confined.
    /// - Parameters:
    ///   - workspace: the absolute workspace directory; the command runs there.
    ///   - home: the CLI's HOME, if known.
    public func decide(command: String, workspace: String, home: String?) -> PolicyVerdict {
        decide(command: command, context: ToolCallContext(workspace: workspace, home: home))
    }

    public func decide(command: String, context: ToolCallContext) -> PolicyVerdict {
        switch analyze(command, context: context) {
        case .refused(let verdict): verdict
        case .analyzed(let analysis): analysis.collector.verdict
        }
    }

    /// Every path argument and redirection target of `command` that could be resolved without running it, for
    /// the executor's check on disk (real path after symlinks) before it answers allow.
    public static func staticPaths(command: String, workspace: String, home: String? = nil) -> BashStaticPaths {
        switch BashPolicy().analyze(command, context: ToolCallContext(workspace: workspace, home: home)) {
        case .refused: BashStaticPaths(paths: [], patterns: [], hasUnknownTargets: true)
        case .analyzed(let analysis): analysis.targets.result
        }
    }

    enum Outcome {
        case refused(PolicyVerdict)
        case analyzed(BashAnalysis)
    }

    func analyze(_ command: String, context: ToolCallContext) -> Outcome {
        if command.utf8.count > configuration.maximumCommandLength {
            return .refused(.deny(reason: "the command is too long to be checked"))
        }
        if command.unicodeScalars.contains(where: { $0 == "\0" }) {
            return .refused(.deny(reason: "the command contains a NUL character and could not be parsed safely"))
        }
        guard context.workspace.hasPrefix("/") else { return .refused(.deny(reason: "the workspace is not an absolute path")) }
        let script: ShellScript
        do {
            script = try ShellParser.parse(command)
        } catch {
            return .refused(.deny(reason: "the command could not be parsed safely (\(error.message))"))
        }
        var analysis = BashAnalysis(configuration: configuration, context: context)
        analysis.analyze(script)
        return .analyzed(analysis)
    }
}

/// What `BashPolicy.staticPaths` found in a command.
public struct BashStaticPaths: Sendable, Equatable {
    /// Absolute, normalized paths of every file or directory the command names that could be resolved statically
    /// (operands, redirection targets, `cd` targets, scripts run), after following `cd`. Lexical only: the executor
    /// resolves each on disk. A path through a directory `cd` entered is listed as the shell would reach it.
    public var paths: [String]
    /// Absolute glob patterns (`/ws/src/*.txt`) the shell expands when the command runs.
    public var patterns: [String]
    /// Some target cannot be known before the command runs (a variable, a substitution, a directory only known
    /// at run time, files another program lists): no check on disk covers the whole command.
    public var hasUnknownTargets: Bool

    public init(paths: [String], patterns: [String], hasUnknownTargets: Bool) {
        self.paths = paths
        self.patterns = patterns
        self.hasUnknownTargets = hasUnknownTargets
    }
}
