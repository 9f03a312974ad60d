import Foundation
import Messages

/// One run of the Claude Code CLI: what to run, where, with which prompt and limits.
public struct ClaudeInvocation: Sendable {
    /// An absolute path, or a name looked up on the `PATH` of `environment`.
    public var executable: String
    /// Absolute; the process starts here because the CLI has no `--cwd`.
    public var workingDirectory: String
    /// Written on stdin as a stream-json user message, never in argv (so it never shows in `ps`).
    public var prompt: String
    public var resumeSessionId: String?
    public var model: String?
    public var maxTurns: Int?
    /// The CLI stops the run once it has spent this much (`--max-budget-usd`); its result then says so.
    public var maxBudgetUSD: Double?
    /// Exactly the environment the CLI gets; nothing is inherited from the executor.
    public var environment: [String: String]
    /// From the prompt's release to the first interrupt.
    public var timeout: Duration
    /// From the start of the process to the first interrupt while no prompt has been released (a CLI waiting for
    /// the guard's go-ahead, or a warm one for its person); `timeout` unless set.
    public var startTimeout: Duration?
    /// SIGINT, then this long before SIGTERM.
    public var interruptGrace: Duration = .seconds(3)
    /// SIGTERM, then this long before SIGKILL of the whole process tree.
    public var terminateGrace: Duration = .seconds(3)
    /// A program (absolute path) and its arguments that start the CLI: the process runs
    /// `launcher + [CLI path] + arguments`. The executor puts `gatehouse-confine` and the job's sandbox plan here;
    /// empty runs the CLI directly.
    public var launcher: [String] = []
    /// Gatehouse's own tools for Claude (`send_file`), offered as the in-process MCP server `gatehouse`; nil
    /// offers none.
    var tools: GatehouseToolServer?

    public init(
        executable: String,
        workingDirectory: String,
        prompt: String,
        resumeSessionId: String? = nil,
        model: String? = nil,
        maxTurns: Int? = nil,
        environment: [String: String],
        timeout: Duration,
        interruptGrace: Duration = .seconds(3),
        terminateGrace: Duration = .seconds(3)
    ) {
        self.executable = executable
        self.workingDirectory = workingDirectory
        self.prompt = prompt
        self.resumeSessionId = resumeSessionId
        self.model = model
        self.maxTurns = maxTurns
        self.environment = environment
        self.timeout = timeout
        self.interruptGrace = interruptGrace
        self.terminateGrace = terminateGrace
    }

    /// The CLI's arguments. Never a permission-bypassing flag: every tool call is screened through `decide`.
    var arguments: [String] {
        var arguments = [
            "-p",
            "--input-format", "stream-json",
            "--output-format", "stream-json",
            "--verbose",
            "--permission-prompt-tool", "stdio",
        ]
        if let resumeSessionId { arguments += ["--resume", resumeSessionId] }
        if let model { arguments += ["--model", model] }
        if let maxTurns { arguments += ["--max-turns", String(maxTurns)] }
        if let budget = JobAssignment.budgetText(maxBudgetUSD) { arguments += ["--max-budget-usd", budget] }
        return arguments
    }
}
