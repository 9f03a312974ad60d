/// The runner's own control requests to the CLI, and the ids that tie the CLI's requests back to them
/// (see docs/claude-control-protocol.md).
enum ClaudeControl {
    /// The `initialize` request the runner sends before anything else.
    static let initializeRequestId = "gatehouse-initialize"
    /// The one PreToolUse hook the runner registers, for every tool (`matcher` null).
    static let preToolUseCallbackId = "gatehouse-pre-tool-use"
}
