/// How a run ended, with what the CLI's `result` line said (when there was one).
public struct ClaudeOutcome: Sendable, Equatable {
    public enum Ending: String, Sendable {
        /// A result line with `is_error: false`.
        case completed
        /// A result line with `is_error: true` or an error subtype, or a crash without a result line.
        case failed
        /// Cancelled through `ClaudeCancellation` (or the CLI was interrupted from outside before a result).
        case cancelled
        /// The invocation's timeout ran out before a result.
        case timedOut
    }

    public var ending: Ending
    public var resultText: String?
    public var isError: Bool
    public var subtype: String?
    public var totalCostUSD: Double?
    public var sessionId: String?
    public var numTurns: Int?
    public var durationMs: Int64?
    public var terminalReason: String?
    /// The result's `errors[]`, plus the runner's own notes (e.g. "no result line").
    public var errors: [String]
    /// The exit code, or 128 + the signal number when the CLI died of a signal; nil if unknown.
    public var exitStatus: Int32?
    /// The last few KB of the CLI's stderr, for diagnostics. May contain user data: never log it at info level.
    public var stderrTail: String
    /// The CLI died on its own (a crash, a kill from outside, the OOM killer): no result line, and nothing here
    /// stopped it.
    public var diedWithoutResult = false

    /// The CLI refused to continue the session it was given (`--resume` of a session it has no transcript of):
    /// it ended with `error_during_execution` and "No conversation found", before the model saw anything.
    public var sessionNotFound: Bool {
        ending == .failed && subtype == "error_during_execution"
            && errors.contains { $0.contains("No conversation found") }
    }

    public init(
        ending: Ending, resultText: String? = nil, isError: Bool, subtype: String? = nil, totalCostUSD: Double? = nil,
        sessionId: String? = nil, numTurns: Int? = nil, durationMs: Int64? = nil, terminalReason: String? = nil,
        errors: [String] = [], exitStatus: Int32? = nil, stderrTail: String = ""
    ) {
        self.ending = ending
        self.resultText = resultText
        self.isError = isError
        self.subtype = subtype
        self.totalCostUSD = totalCostUSD
        self.sessionId = sessionId
        self.numTurns = numTurns
        self.durationMs = durationMs
        self.terminalReason = terminalReason
        self.errors = errors
        self.exitStatus = exitStatus
        self.stderrTail = stderrTail
    }
}
