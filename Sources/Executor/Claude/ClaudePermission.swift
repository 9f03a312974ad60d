import Messages

/// The CLI asks whether a tool may run (`control_request` / `can_use_tool`).
public struct ClaudePermissionQuestion: Sendable, Equatable {
    public var requestId: String
    public var toolName: String
    /// The tool's input as the CLI sent it (file paths already absolute).
    public var input: JSONValue
    public var toolUseId: String?

    public init(requestId: String, toolName: String, input: JSONValue, toolUseId: String?) {
        self.requestId = requestId
        self.toolName = toolName
        self.input = input
        self.toolUseId = toolUseId
    }
}

/// The answer to a `ClaudePermissionQuestion`. `allow` lets the tool run with exactly the input it asked for;
/// `allowWithInput` runs it with the given input instead (how the answer to an AskUserQuestion reaches Claude).
public enum ClaudePermissionAnswer: Sendable, Equatable {
    case allow
    case allowWithInput(JSONValue)
    case deny(message: String)
}
