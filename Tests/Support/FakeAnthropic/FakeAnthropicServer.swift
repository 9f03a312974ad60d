import Foundation
import Logging
import Messages
import Synchronization

/// A local stand-in for the Anthropic Messages API, good enough for the real Claude Code CLI to run against it.
///
/// Serves `POST /v1/messages` (streaming SSE or plain JSON), `POST /v1/messages/count_tokens`, and answers any
/// other path with 404 after logging it. Replies come from a handler tests can replace at any time.
public final class FakeAnthropicServer: Sendable {
    public typealias Handler = @Sendable (FakeAnthropicRequest) async -> FakeAnthropicReply

    private struct State {
        var handler: Handler = FakeAnthropicServer.echo
        var requests: [FakeAnthropicRequest] = []
        var unhandledPaths: [String] = []
        var counter = 0
        var http: LoopbackHTTPServer?
    }

    private let state = Mutex(State())
    private let logger: Logger

    private let bindAddress: String

    /// `bindAddress` 0.0.0.0 lets executors in other network namespaces reach it (see `NetworkLab`).
    public init(bindAddress: String = "127.0.0.1", logger: Logger = Logger(label: "fake-anthropic")) {
        self.bindAddress = bindAddress
        self.logger = logger
    }

    /// Echoes the prompt back: `Echo: <last user text>`.
    public static let echo: Handler = { request in
        .text("Echo: \(request.lastUserText ?? "")")
    }

    /// Starts listening on an ephemeral loopback port; returns once connections are accepted.
    public func start() async throws {
        // Weak: the server lives in `state`, and a strong capture would keep this fake alive through its own field.
        let http = LoopbackHTTPServer(name: "FakeAnthropic", bindAddress: bindAddress) { [weak self] request in
            guard let self else { return Self.jsonResponse(status: 503, body: Data()) }
            return await respond(to: request)
        }
        try http.start()
        state.withLock { $0.http = http }
    }

    /// `http://127.0.0.1:<port>`, for `ANTHROPIC_BASE_URL`. Empty before `start()`.
    public var baseURL: String {
        guard let http = state.withLock({ $0.http }) else { return "" }
        return http.baseURL
    }

    public func stop() async {
        await state.withLock { $0.http }?.stop()
    }

    public func setHandler(_ handler: @escaping Handler) {
        state.withLock { $0.handler = handler }
    }

    /// Every `POST /v1/messages` received, in order.
    public var requests: [FakeAnthropicRequest] {
        state.withLock { $0.requests }
    }

    /// `METHOD /path` of every request no route served (answered 404).
    public var unhandledPaths: [String] {
        state.withLock { $0.unhandledPaths }
    }

    private func respond(to request: LoopbackHTTPRequest) async -> LoopbackHTTPResponse {
        switch (request.method, request.path) {
        case ("POST", "/v1/messages"):
            return await handleMessages(request)
        case ("POST", "/v1/messages/count_tokens"):
            let payload = JSONValue.object(["input_tokens": .number(Double(max(1, request.body.count / 4)))])
            return Self.jsonResponse(status: 200, body: FakeAnthropicResponseBody.encode(payload))
        default:
            let description = "\(request.method) \(request.path)"
            logger.warning("fake anthropic: unhandled request", metadata: ["http.request": "\(description)"])
            state.withLock { $0.unhandledPaths.append(description) }
            return Self.jsonResponse(
                status: 404,
                body: FakeAnthropicResponseBody.errorBody(type: "not_found_error", message: "no route for \(description)")
            )
        }
    }

    private func handleMessages(_ httpRequest: LoopbackHTTPRequest) async -> LoopbackHTTPResponse {
        let body = httpRequest.body
        let json = (try? JSONDecoder().decode(JSONValue.self, from: body)) ?? .null
        let request = FakeAnthropicRequest(rawBody: json)
        let (handler, number) = state.withLock { state in
            state.requests.append(request)
            state.counter += 1
            return (state.handler, state.counter)
        }
        var reply = await handler(request)
        while case .delayed(let pause, let next) = reply {
            do {
                try await Task.sleep(for: pause)
            } catch {
                // Cancelled: the client hung up or the server is stopping; nobody reads this answer.
                return Self.jsonResponse(
                    status: 499, body: FakeAnthropicResponseBody.errorBody(type: "api_error", message: "cancelled"))
            }
            reply = next
        }

        let blocks: [FakeAnthropicResponseBody.Block]
        let stopReason: String
        switch reply {
        case .text(let text):
            blocks = [.text(text)]
            stopReason = "end_turn"
        case .toolUse(let name, let input, let preface):
            let toolUse = FakeAnthropicResponseBody.Block.toolUse(id: "toolu_fake_\(number)", name: name, input: input)
            blocks = (preface.map { [.text($0)] } ?? []) + [toolUse]
            stopReason = "tool_use"
        case .error(let status, let type, let message):
            return Self.jsonResponse(status: status, body: FakeAnthropicResponseBody.errorBody(type: type, message: message))
        case .delayed:
            preconditionFailure("delays are unwrapped above")
        }

        let outputCharacters = blocks.reduce(0) { total, block in
            switch block {
            case .text(let text): total + text.utf8.count
            case .toolUse(_, _, let input): total + FakeAnthropicResponseBody.encode(input).count
            }
        }
        let responseBody = FakeAnthropicResponseBody(
            messageId: "msg_fake_\(number)",
            model: request.model.isEmpty ? "claude-fake" : request.model,
            blocks: blocks,
            stopReason: stopReason,
            inputTokens: max(1, body.count / 4),
            outputTokens: max(1, outputCharacters / 4)
        )
        if request.stream {
            return LoopbackHTTPResponse(
                status: 200,
                headers: ["Content-Type": "text/event-stream", "Cache-Control": "no-cache",
                          "request-id": "req_fake_\(number)"],
                body: responseBody.eventStream()
            )
        }
        return Self.jsonResponse(status: 200, body: responseBody.json())
    }

    private static func jsonResponse(status: Int, body: Data) -> LoopbackHTTPResponse {
        LoopbackHTTPResponse(status: status, contentType: "application/json", body: body)
    }
}

/// A failure of the fake server itself (not an API error it was told to return).
public struct FakeAnthropicError: Error, Sendable, CustomStringConvertible {
    public var code: String
    public var message: String
    public var description: String { "\(code): \(message)" }
}
