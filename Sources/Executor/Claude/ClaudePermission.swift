import Messages

/// The CLI asks whether a tool may run: through the PreToolUse hook the runner registers (every call, including
/// those the CLI would allow by itself), or through its permission prompt (`can_use_tool`, only the calls its own
/// rules leave open). Both are decided the same way.
public struct ClaudePermissionQuestion: Sendable, Equatable {
    public enum Channel: Sendable, Equatable {
        /// `control_request` / `hook_callback` for the runner's PreToolUse hook.
        case preToolUseHook
        /// `control_request` / `can_use_tool`.
        case permissionPrompt
    }

    public var requestId: String
    public var toolName: String
    /// The tool's input as the CLI sent it (file paths already absolute).
    public var input: JSONValue
    public var toolUseId: String?
    public var channel: Channel

    public init(requestId: String, toolName: String, input: JSONValue, toolUseId: String?, channel: Channel = .permissionPrompt) {
        self.requestId = requestId
        self.toolName = toolName
        self.input = input
        self.toolUseId = toolUseId
        self.channel = channel
    }
}

/// The answer to a `ClaudePermissionQuestion`. `allow` lets the tool run with exactly the input it asked for;
/// `allowWithInput` runs it with the given input instead (how the answer to an AskUserQuestion reaches Claude).
public enum ClaudePermissionAnswer: Sendable, Equatable {
    case allow
    case allowWithInput(JSONValue)
    case deny(message: String)

    var allows: Bool {
        if case .deny = self { return false }
        return true
    }
}
