import Messages

/// What the fake answers to one model turn.
public enum FakeAnthropicReply: Sendable {
    /// A single text block, `stop_reason: end_turn`.
    case text(String)
    /// An optional text block, then one `tool_use` block, `stop_reason: tool_use`.
    case toolUse(name: String, input: JSONValue, preface: String? = nil)
    /// An HTTP error status with Anthropic's error body.
    case error(status: Int, type: String, message: String)
    /// The same reply after a pause (the HTTP response starts only after the pause).
    indirect case delayed(Duration, FakeAnthropicReply)
}
