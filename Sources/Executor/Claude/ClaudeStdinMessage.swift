import Foundation
import Messages

/// The lines the runner writes on the CLI's stdin (`--input-format stream-json`), each ending in a newline.
enum ClaudeStdinMessage {
    case userPrompt(String)
    case permission(requestId: String, answer: ClaudePermissionAnswer, originalInput: JSONValue)
    case controlError(requestId: String, message: String)

    var json: JSONValue {
        switch self {
        case .userPrompt(let prompt):
            return .object([
                "type": .string("user"),
                "message": .object(["role": .string("user"), "content": .string(prompt)]),
            ])
        case .permission(let requestId, let answer, let originalInput):
            let decision: JSONValue
            switch answer {
            case .allow:
                decision = .object(["behavior": .string("allow"), "updatedInput": originalInput])
            case .allowWithInput(let input):
                decision = .object(["behavior": .string("allow"), "updatedInput": input])
            case .deny(let message):
                decision = .object(["behavior": .string("deny"), "message": .string(message)])
            }
            return .object([
                "type": .string("control_response"),
                "response": .object([
                    "subtype": .string("success"),
                    "request_id": .string(requestId),
                    "response": decision,
                ]),
            ])
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
