import Foundation
import Messages

/// One `tool_result` block the CLI sent back to the model.
public struct FakeAnthropicToolResult: Sendable, Equatable {
    public var toolUseId: String
    /// The result's text: a plain string content, or its text blocks joined by newlines.
    public var text: String
    public var isError: Bool

    public init(toolUseId: String, text: String, isError: Bool) {
        self.toolUseId = toolUseId
        self.text = text
        self.isError = isError
    }
}

/// One `POST /v1/messages` as the fake received it, with the parts tests usually look at pulled out.
public struct FakeAnthropicRequest: Sendable {
    public var model: String
    public var stream: Bool
    /// The text of the most recent user message that carries text (the prompt of this run, or of a resumed one),
    /// without the CLI's `<system-reminder>` blocks.
    public var lastUserText: String?
    /// The `tool_result` blocks of the final user message: what the tools of the previous turn returned.
    public var toolResults: [FakeAnthropicToolResult]
    /// Every text of every user message, oldest first (reminders excluded): shows the history a resumed session sent.
    public var userTexts: [String]
    public var systemText: String?
    public var rawBody: JSONValue

    public init(rawBody: JSONValue) {
        self.rawBody = rawBody
        model = rawBody["model"]?.stringValue ?? ""
        stream = rawBody["stream"]?.boolValue ?? false
        systemText = Self.text(of: rawBody["system"])

        let messages = rawBody["messages"]?.arrayValue ?? []
        let userMessages = messages.filter { $0["role"]?.stringValue == "user" }
        var texts: [String] = []
        var lastText: String?
        for message in userMessages {
            let text = Self.userText(of: message["content"])
            if let text {
                texts.append(text)
                lastText = text
            }
        }
        userTexts = texts
        lastUserText = lastText
        toolResults = Self.toolResults(of: userMessages.last?["content"])
    }

    /// Text blocks of a user message, minus the reminders the CLI injects; nil when nothing remains.
    private static func userText(of content: JSONValue?) -> String? {
        switch content {
        case .string(let text):
            return isReminder(text) ? nil : text
        case .array(let blocks):
            let texts = blocks.compactMap { block -> String? in
                guard block["type"]?.stringValue == "text", let text = block["text"]?.stringValue else { return nil }
                return isReminder(text) ? nil : text
            }
            return texts.isEmpty ? nil : texts.joined(separator: "\n")
        default:
            return nil
        }
    }

    private static func isReminder(_ text: String) -> Bool {
        text.trimmingCharacters(in: .whitespacesAndNewlines).hasPrefix("<system-reminder>")
    }

    private static func toolResults(of content: JSONValue?) -> [FakeAnthropicToolResult] {
        guard let blocks = content?.arrayValue else { return [] }
        return blocks.compactMap { block in
            guard block["type"]?.stringValue == "tool_result" else { return nil }
            return FakeAnthropicToolResult(
                toolUseId: block["tool_use_id"]?.stringValue ?? "",
                text: text(of: block["content"]) ?? "",
                isError: block["is_error"]?.boolValue ?? false
            )
        }
    }

    /// A string, or the text blocks of an array joined by newlines.
    static func text(of value: JSONValue?) -> String? {
        switch value {
        case .string(let text):
            return text
        case .array(let blocks):
            let texts = blocks.compactMap { $0["text"]?.stringValue }
            return texts.isEmpty ? nil : texts.joined(separator: "\n")
        default:
            return nil
        }
    }
}
