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

        public init(
            extraReadOnlyPrograms: Set<String> = [],
            extraDeniedPrograms: Set<String> = [],
            networkTools: Handling = .ask,
            readsOutsideWorkspace: Handling = .ask,
            extraReadableDirectories: [String] = [],
            extraWritableDirectories: [String] = [],
            maximumCommandLength: Int = 100_000
        ) {
            self.extraReadOnlyPrograms = extraReadOnlyPrograms
            self.extraDeniedPrograms = extraDeniedPrograms
            self.networkTools = networkTools
            self.readsOutsideWorkspace = readsOutsideWorkspace
            self.extraReadableDirectories = extraReadableDirectories
            self.extraWritableDirectories = extraWritableDirectories
            self.maximumCommandLength = maximumCommandLength
        }
    }

    public let configuration: Configuration

    public init(configuration: Configuration = .init()) {
        self.configuration = configuration
    }

    /// - Parameters:
    ///   - workspace: the absolute workspace directory; the command runs there.
    ///   - home: the CLI's HOME, if known.
    public func decide(command: String, workspace: String, home: String?) -> PolicyVerdict {
        if command.utf8.count > configuration.maximumCommandLength {
            return .deny(reason: "the command is too long to be checked")
        }
        if command.unicodeScalars.contains(where: { $0 == "\0" }) {
            return .deny(reason: "the command contains a NUL character and could not be parsed safely")
        }
        guard workspace.hasPrefix("/") else { return .deny(reason: "the workspace is not an absolute path") }
        let script: ShellScript
        do {
            script = try ShellParser.parse(command)
        } catch {
            return .deny(reason: "the command could not be parsed safely (\(error.message))")
        }
        var analysis = BashAnalysis(configuration: configuration, workspace: workspace, home: home)
        analysis.analyze(script)
        return analysis.collector.verdict
    }
}
