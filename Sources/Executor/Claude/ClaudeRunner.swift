import Foundation
import Logging
import Messages
import Subprocess
import Synchronization

/// Runs the Claude Code CLI for one job: prompt on stdin, progress as events, every tool permission through
/// `decide`, and a teardown (`ClaudeTeardown`, then the tree swept) on cancel or timeout.
public struct ClaudeRunner: Sendable {
    private let logger: Logger

    /// Lines up to this size are parsed; a longer one (a huge tool result) is skipped rather than failing the run.
    static let maxLineBytes = 32 * 1024 * 1024
    /// How long the CLI may linger after its result line before it is torn down.
    static let exitGraceAfterResult: Duration = .seconds(5)
    /// How long to keep killing and reaping leftovers after the CLI is gone.
    static let leftoverKillTimeout: Duration = .seconds(3)

    public init(logger: Logger) {
        self.logger = logger
    }

    /// - Parameter release: when given, the CLI is started at once and waits for it: the prompt it returns is
    ///   written instead of `invocation.prompt`, or the CLI is stopped unprompted (see `ClaudePromptRelease`).
    /// - Parameter onCompleted: hears the outcome as soon as the CLI reported success, while it is still exiting
    ///   (the answer need not wait for the process to be reaped); `run` returns the same outcome later, with the
    ///   exit status.
    public func run(
        _ invocation: ClaudeInvocation,
        cancellation: ClaudeCancellation,
        release: (@Sendable () async -> ClaudePromptRelease)? = nil,
        onCompleted: (@Sendable (ClaudeOutcome) async -> Void)? = nil,
        onEvent: @escaping @Sendable (ClaudeEvent) async -> Void,
        decide: @escaping @Sendable (ClaudePermissionQuestion) async -> ClaudePermissionAnswer
    ) async throws -> ClaudeOutcome {
        let executable = try Self.resolveExecutable(invocation.executable, environment: invocation.environment)
        var isDirectory: ObjCBool = false
        guard invocation.workingDirectory.hasPrefix("/"),
              FileManager.default.fileExists(atPath: invocation.workingDirectory, isDirectory: &isDirectory),
              isDirectory.boolValue
        else {
            throw ClaudeRunnerError(
                code: "claude.working_directory_missing",
                message: "the working directory does not exist or is not an absolute directory path"
            )
        }

        // Through the launcher when there is one (the sandbox trampoline, which execs the CLI in place: same pid).
        let program = invocation.launcher.first ?? executable
        let arguments = invocation.launcher.isEmpty
            ? invocation.arguments : Array(invocation.launcher.dropFirst()) + [executable] + invocation.arguments
        let configuration = Configuration(
            executable: .path(.init(program)),
            arguments: Arguments(arguments),
            environment: .custom(Dictionary(
                invocation.environment.compactMap { key, value in Environment.Key(rawValue: key).map { ($0, value) } },
                uniquingKeysWith: { first, _ in first }
            )),
            workingDirectory: .init(invocation.workingDirectory),
            platformOptions: Self.platformOptions(for: invocation)
        )
        let state = ClaudeRunState()
        let session = ClaudeRunSession(
            invocation: invocation, cancellation: cancellation, state: state, logger: logger,
            release: release ?? { [prompt = invocation.prompt] in .prompt(prompt) }, onCompleted: onCompleted,
            onEvent: onEvent, decide: decide
        )

        let execution: ExecutionResult<Void, SequenceOutput, SequenceOutput>
        do {
            execution = try await Subprocess.run(
                configuration, input: .inputWriter, output: .sequence, error: .sequence
            ) { execution in
                await session.drive(execution)
            }
        } catch {
            throw ClaudeRunnerError(code: "claude.spawn_failed", message: "could not start the Claude Code CLI: \(error)")
        }

        let exitStatus: Int32
        switch execution.terminationStatus {
        case .exited(let code): exitStatus = code
        case .signaled(let signal): exitStatus = 128 + signal
        }
        let outcome = state.outcome(exitStatus: exitStatus)
        logger.info("claude run ended", metadata: [
            "claude.ending": "\(outcome.ending.rawValue)",
            "claude.exit_status": "\(exitStatus)",
            "claude.session_id": "\(outcome.sessionId ?? "-")",
            "claude.cost_usd": "\(outcome.totalCostUSD.map { String($0) } ?? "-")",
        ])
        return outcome
    }

    /// If Subprocess has to tear the CLI down itself (the run's body failed), it does so in the same steps as the
    /// supervisor.
    private static func platformOptions(for invocation: ClaudeInvocation) -> PlatformOptions {
        var options = PlatformOptions()
        options.teardownSequence = ClaudeTeardown.sequence(for: invocation)
        return options
    }

    /// An absolute path as is; a bare name searched on the invocation's own PATH (not the executor's).
    static func resolveExecutable(_ executable: String, environment: [String: String]) throws -> String {
        if executable.contains("/") {
            guard executable.hasPrefix("/"), FileManager.default.isExecutableFile(atPath: executable) else {
                throw ClaudeRunnerError(code: "claude.executable_not_found", message: "the Claude Code CLI path is not an executable file")
            }
            return executable
        }
        let searchPath = environment["PATH"] ?? ""
        for directory in searchPath.split(separator: ":") where directory.hasPrefix("/") {
            let candidate = "\(directory)/\(executable)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw ClaudeRunnerError(code: "claude.executable_not_found", message: "no executable named \(executable) on the job's PATH")
    }
}
