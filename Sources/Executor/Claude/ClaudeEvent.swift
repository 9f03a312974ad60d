import Messages

/// Progress of a run, as the CLI reports it, in order.
public enum ClaudeEvent: Sendable, Equatable {
    case processStarted(pid: Int32)
    case initialized(sessionId: String, model: String?)
    case assistantText(String)
    case toolUse(id: String, name: String, input: JSONValue)
    /// `preview` is the start of the tool's output (at most `ClaudeEvent.previewLimit` characters).
    case toolResult(toolUseId: String, isError: Bool, preview: String)
    case apiRetry(attempt: Int, maxRetries: Int?, delayMs: Int?, status: Int?)

    public static let previewLimit = 500
}
