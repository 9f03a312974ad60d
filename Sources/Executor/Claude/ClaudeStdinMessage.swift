import Foundation
import Messages

/// The lines the runner writes on the CLI's stdin (`--input-format stream-json`), each ending in a newline.
package enum ClaudeStdinMessage {
    case userPrompt(String)
    /// `toolUseId` must be echoed as `toolUseID`: the CLI matches an answer to the prompt it parked by it, and may
    /// drop an answer without it (then it waits forever).
    case permission(requestId: String, answer: ClaudePermissionAnswer, originalInput: JSONValue, toolUseId: String?)
    case controlError(requestId: String, message: String)
    /// Registers the PreToolUse hook for every tool: from then on the CLI asks the runner about each tool call.
    /// `offeringTools` also registers Gatehouse's in-process MCP server, with its handshake answers included.
    case initialize(offeringTools: Bool)
    /// The runner's answer to a `hook_callback` for its PreToolUse hook.
    case hookDecision(requestId: String, answer: ClaudePermissionAnswer)
    /// The JSON-RPC reply of Gatehouse's in-process MCP server to a `mcp_message`.
    case mcpResponse(requestId: String, message: JSONValue)

    /// A successful control response to the CLI's request `requestId`.
    private static func success(requestId: String, response: JSONValue) -> JSONValue {
        .object([
            "type": .string("control_response"),
            "response": .object(["subtype": .string("success"), "request_id": .string(requestId), "response": response]),
        ])
    }

    package var json: JSONValue {
        switch self {
        case .userPrompt(let prompt):
            return .object([
                "type": .string("user"),
                "message": .object(["role": .string("user"), "content": .string(prompt)]),
            ])
        case .permission(let requestId, let answer, let originalInput, let toolUseId):
            var decision: [String: JSONValue]
            switch answer {
            case .allow:
                decision = ["behavior": .string("allow"), "updatedInput": originalInput]
            case .allowWithInput(let input):
                decision = ["behavior": .string("allow"), "updatedInput": input]
            case .deny(let message):
                decision = ["behavior": .string("deny"), "message": .string(message)]
            }
            if let toolUseId { decision["toolUseID"] = .string(toolUseId) }
            return Self.success(requestId: requestId, response: .object(decision))
        case .initialize(let offeringTools):
            var request: [String: JSONValue] = [
                "subtype": .string("initialize"),
                "hooks": .object(["PreToolUse": .array([.object([
                    "matcher": .null,
                    "hookCallbackIds": .array([.string(ClaudeControl.preToolUseCallbackId)]),
                ])])]),
            ]
            if offeringTools {
                request["sdkMcpServers"] = .array([.string(GatehouseToolServer.name)])
                request["sdkMcpServerManifests"] = .object([GatehouseToolServer.name: GatehouseToolServer.manifest])
            }
            return .object([
                "type": .string("control_request"),
                "request_id": .string(ClaudeControl.initializeRequestId),
                "request": .object(request),
            ])
        case .hookDecision(let requestId, let answer):
            var output: [String: JSONValue] = ["hookEventName": .string("PreToolUse")]
            switch answer {
            case .allow:
                output["permissionDecision"] = .string("allow")
            case .allowWithInput(let input):
                output["permissionDecision"] = .string("allow")
                output["updatedInput"] = input
            case .deny(let message):
                output["permissionDecision"] = .string("deny")
                output["permissionDecisionReason"] = .string(message)
            }
            return Self.success(requestId: requestId, response: .object(["hookSpecificOutput": .object(output)]))
        case .mcpResponse(let requestId, let message):
            return Self.success(requestId: requestId, response: .object(["mcp_response": message]))
        case .controlError(let requestId, let message):
            return .object([
                "type": .string("control_response"),
                "response": .object([
                    "subtype": .string("error"),
                    "request_id": .string(requestId),
                    "error": .string(message),
                ]),
            ])
        }
    }

    /// One line of compact JSON plus `\n`. JSON escapes newlines inside strings, so the line never splits.
    var line: [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        // A JSONValue built from strings and decoded JSON always encodes; a failure would be a bug, not input.
        let data = (try? encoder.encode(json)) ?? Data("{}".utf8)
        return Array(data) + [UInt8(ascii: "\n")]
    }
}
