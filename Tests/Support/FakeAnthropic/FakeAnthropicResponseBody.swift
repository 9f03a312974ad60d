import Foundation
import Messages

/// Builds the bodies of a successful Messages API reply: an SSE event stream, or one JSON message.
struct FakeAnthropicResponseBody {
    enum Block {
        case text(String)
        case toolUse(id: String, name: String, input: JSONValue)
    }

    var messageId: String
    var model: String
    var blocks: [Block]
    var stopReason: String
    var inputTokens: Int
    var outputTokens: Int

    func json() -> Data {
        let message: JSONValue = .object([
            "id": .string(messageId),
            "type": .string("message"),
            "role": .string("assistant"),
            "model": .string(model),
            "content": .array(blocks.map(Self.completeBlock)),
            "stop_reason": .string(stopReason),
            "stop_sequence": .null,
            "usage": usage(input: inputTokens, output: outputTokens),
        ])
        return Self.encode(message)
    }

    func eventStream() -> Data {
        var events: [(String, JSONValue)] = []
        events.append(("message_start", .object([
            "type": .string("message_start"),
            "message": .object([
                "id": .string(messageId),
                "type": .string("message"),
                "role": .string("assistant"),
                "model": .string(model),
                "content": .array([]),
                "stop_reason": .null,
                "stop_sequence": .null,
                "usage": usage(input: inputTokens, output: 1),
            ]),
        ])))
        for (index, block) in blocks.enumerated() {
            let position = JSONValue.number(Double(index))
            let start: JSONValue
            let delta: JSONValue
            switch block {
            case .text(let text):
                start = .object(["type": .string("text"), "text": .string("")])
                delta = .object(["type": .string("text_delta"), "text": .string(text)])
            case .toolUse(let id, let name, let input):
                start = .object(["type": .string("tool_use"), "id": .string(id), "name": .string(name), "input": .object([:])])
                let partial = String(decoding: Self.encode(input), as: UTF8.self)
                delta = .object(["type": .string("input_json_delta"), "partial_json": .string(partial)])
            }
            events.append(("content_block_start", .object([
                "type": .string("content_block_start"), "index": position, "content_block": start,
            ])))
            events.append(("content_block_delta", .object([
                "type": .string("content_block_delta"), "index": position, "delta": delta,
            ])))
            events.append(("content_block_stop", .object([
                "type": .string("content_block_stop"), "index": position,
            ])))
        }
        events.append(("message_delta", .object([
            "type": .string("message_delta"),
            "delta": .object(["stop_reason": .string(stopReason), "stop_sequence": .null]),
            "usage": .object(["output_tokens": .number(Double(outputTokens))]),
        ])))
        events.append(("message_stop", .object(["type": .string("message_stop")])))

        var body = Data()
        for (name, payload) in events {
            body.append(Data("event: \(name)\ndata: ".utf8))
            body.append(Self.encode(payload))
            body.append(Data("\n\n".utf8))
        }
        return body
    }

    private func usage(input: Int, output: Int) -> JSONValue {
        .object([
            "input_tokens": .number(Double(input)),
            "output_tokens": .number(Double(output)),
            "cache_creation_input_tokens": .number(0),
            "cache_read_input_tokens": .number(0),
        ])
    }

    private static func completeBlock(_ block: Block) -> JSONValue {
        switch block {
        case .text(let text):
            return .object(["type": .string("text"), "text": .string(text)])
        case .toolUse(let id, let name, let input):
            return .object(["type": .string("tool_use"), "id": .string(id), "name": .string(name), "input": input])
        }
    }

    static func errorBody(type: String, message: String) -> Data {
        encode(.object([
            "type": .string("error"),
            "error": .object(["type": .string(type), "message": .string(message)]),
        ]))
    }

    static func encode(_ value: JSONValue) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        // Encoding a JSONValue cannot fail: it holds only JSON-representable values (non-finite numbers aside).
        return (try? encoder.encode(value)) ?? Data("null".utf8)
    }
}
