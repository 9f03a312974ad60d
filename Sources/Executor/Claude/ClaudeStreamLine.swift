import Foundation
import Messages

/// What one stdout line of `--output-format stream-json` means to the runner.
enum ClaudeStreamLine: Equatable {
    case events([ClaudeEvent])
    case permissionQuestion(ClaudePermissionQuestion)
    /// A control request the runner does not handle: answered with an error so the CLI doesn't wait forever.
    case unsupportedControlRequest(requestId: String, subtype: String)
    /// A JSON-RPC message for an in-process ("sdk") MCP server; the answer goes back as `mcp_response`.
    case mcpMessage(requestId: String, serverName: String, message: JSONValue)
    /// The CLI withdrew a question (e.g. the turn was aborted): its answer is no longer wanted.
    case controlCancel(requestId: String)
    /// The CLI's answer to a control request of the runner's (`initialize`): `error` nil on success.
    case controlResponse(requestId: String, error: String?)
    case result(ClaudeResultLine)
    /// Valid JSON of a kind the runner doesn't use (or not JSON at all: `parseFailed`).
    case ignored(type: String)
    case parseFailed

    init(line: Substring) {
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(line.utf8)) else {
            self = .parseFailed
            return
        }
        self.init(json: value)
    }

    init(json: JSONValue) {
        let type = json["type"]?.stringValue ?? ""
        switch type {
        case "system":
            self = Self.system(json)
        case "assistant":
            self = .events(Self.assistantEvents(json))
        case "user":
            self = .events(Self.toolResults(json))
        case "control_request":
            self = Self.controlRequest(json)
        case "control_response":
            let response = json["response"]
            let failed = response?["subtype"]?.stringValue != "success"
            self = .controlResponse(
                requestId: response?["request_id"]?.stringValue ?? "",
                error: failed ? (response?["error"]?.stringValue ?? "the CLI answered without success") : nil)
        case "control_cancel_request":
            self = .controlCancel(requestId: json["request_id"]?.stringValue ?? "")
        case "result":
            self = .result(ClaudeResultLine(json: json))
        default:
            self = .ignored(type: type)
        }
    }

    private static func system(_ json: JSONValue) -> ClaudeStreamLine {
        switch json["subtype"]?.stringValue {
        case "init":
            guard let sessionId = json["session_id"]?.stringValue else { return .ignored(type: "system") }
            return .events([.initialized(sessionId: sessionId, model: json["model"]?.stringValue)])
        case "api_retry":
            return .events([.apiRetry(
                attempt: json["attempt"]?.intValue ?? 0,
                maxRetries: json["max_retries"]?.intValue,
                delayMs: json["retry_delay_ms"]?.intValue,
                status: json["error_status"]?.intValue
            )])
        default:
            return .ignored(type: "system")
        }
    }

    private static func assistantEvents(_ json: JSONValue) -> [ClaudeEvent] {
        let blocks = json["message"]?["content"]?.arrayValue ?? []
        return blocks.compactMap { block in
            switch block["type"]?.stringValue {
            case "text":
                guard let text = block["text"]?.stringValue, !text.isEmpty else { return nil }
                return .assistantText(text)
            case "tool_use":
                return .toolUse(
                    id: block["id"]?.stringValue ?? "",
                    name: block["name"]?.stringValue ?? "",
                    input: block["input"] ?? .object([:])
                )
            default:
                return nil
            }
        }
    }

    private static func toolResults(_ json: JSONValue) -> [ClaudeEvent] {
        let blocks = json["message"]?["content"]?.arrayValue ?? []
        return blocks.compactMap { block in
            guard block["type"]?.stringValue == "tool_result" else { return nil }
            return .toolResult(
                toolUseId: block["tool_use_id"]?.stringValue ?? "",
                isError: block["is_error"]?.boolValue ?? false,
                preview: String(text(of: block["content"]).prefix(ClaudeEvent.previewLimit))
            )
        }
    }

    private static func controlRequest(_ json: JSONValue) -> ClaudeStreamLine {
        let requestId = json["request_id"]?.stringValue ?? ""
        let request = json["request"]
        let subtype = request?["subtype"]?.stringValue ?? ""
        switch subtype {
        case "can_use_tool":
            return .permissionQuestion(ClaudePermissionQuestion(
                requestId: requestId,
                toolName: request?["tool_name"]?.stringValue ?? "",
                input: request?["input"] ?? .object([:]),
                toolUseId: request?["tool_use_id"]?.stringValue,
                channel: .permissionPrompt
            ))
        case "hook_callback" where request?["callback_id"]?.stringValue == ClaudeControl.preToolUseCallbackId:
            let input = request?["input"]
            return .permissionQuestion(ClaudePermissionQuestion(
                requestId: requestId,
                toolName: input?["tool_name"]?.stringValue ?? "",
                input: input?["tool_input"] ?? .object([:]),
                toolUseId: input?["tool_use_id"]?.stringValue ?? request?["tool_use_id"]?.stringValue,
                channel: .preToolUseHook
            ))
        case "mcp_message":
            return .mcpMessage(
                requestId: requestId, serverName: request?["server_name"]?.stringValue ?? "", message: request?["message"] ?? .null)
        default:
            return .unsupportedControlRequest(requestId: requestId, subtype: subtype)
        }
    }

    /// A tool result's content: a string, or its text blocks joined by newlines.
    private static func text(of content: JSONValue?) -> String {
        switch content {
        case .string(let text):
            return text
        case .array(let blocks):
            return blocks.compactMap { $0["text"]?.stringValue }.joined(separator: "\n")
        default:
            return ""
        }
    }
}

/// The fields of the final `result` line the outcome needs.
struct ClaudeResultLine: Equatable {
    var subtype: String?
    var isError: Bool
    var resultText: String?
    var totalCostUSD: Double?
    var sessionId: String?
    var numTurns: Int?
    var durationMs: Int64?
    var terminalReason: String?
    var errors: [String]

    init(json: JSONValue) {
        subtype = json["subtype"]?.stringValue
        // Pitfall: an API failure reports `subtype: "success"` with `is_error: true`; any other subtype is an error too.
        isError = (json["is_error"]?.boolValue ?? true) || (subtype.map { $0 != "success" } ?? true)
        resultText = json["result"]?.stringValue
        totalCostUSD = json["total_cost_usd"]?.doubleValue
        sessionId = json["session_id"]?.stringValue
        numTurns = json["num_turns"]?.intValue
        durationMs = json["duration_ms"]?.doubleValue.flatMap { Int64(exactly: $0.rounded()) }
        terminalReason = json["terminal_reason"]?.stringValue
        errors = (json["errors"]?.arrayValue ?? []).compactMap { error in
            error.stringValue ?? error["message"]?.stringValue
        }
    }
}

extension JSONValue {
    /// A JSON number that is a whole number fitting an `Int`.
    var intValue: Int? {
        guard let double = doubleValue, double.rounded() == double else { return nil }
        return Int(exactly: double)
    }
}
