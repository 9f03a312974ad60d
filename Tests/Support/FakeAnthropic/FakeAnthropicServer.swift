import FlyingFox
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
        var port: UInt16?
        var serverTask: Task<Void, any Error>?
    }

    private let state = Mutex(State())
    private let server: HTTPServer
    private let logger: Logger

    public init(logger: Logger = Logger(label: "fake-anthropic")) {
        self.logger = logger
        server = HTTPServer(
            config: .init(address: .inet(port: 0), timeout: 600, logger: .disabled)
        )
    }

    /// Echoes the prompt back: `Echo: <last user text>`.
    public static let echo: Handler = { request in
        .text("Echo: \(request.lastUserText ?? "")")
    }

    /// Starts listening on an ephemeral loopback port; returns once connections are accepted.
    public func start() async throws {
        await server.appendRoute("POST /v1/messages") { [self] request in
            try await handleMessages(request)
        }
        await server.appendRoute("POST /v1/messages/count_tokens") { request in
            let body = try await request.bodyData
            let payload = Messages.JSONValue.object(["input_tokens": .number(Double(max(1, body.count / 4)))])
            return Self.jsonResponse(status: 200, body: FakeAnthropicResponseBody.encode(payload))
        }
        await server.appendRoute("*") { [self] request in
            let description = "\(request.method.rawValue) \(request.path)"
            logger.warning("fake anthropic: unhandled request", metadata: ["http.request": "\(description)"])
            state.withLock { $0.unhandledPaths.append(description) }
            return Self.jsonResponse(
                status: 404,
                body: FakeAnthropicResponseBody.errorBody(type: "not_found_error", message: "no route for \(description)")
            )
        }
        let task = Task { [server] in try await server.run() }
        state.withLock { $0.serverTask = task }
        try await server.waitUntilListening()
        guard case .ip4(_, let port)? = await server.listeningAddress else {
            throw FakeAnthropicError(code: "fake_anthropic.no_address", message: "the fake server has no IPv4 address")
        }
        state.withLock { $0.port = port }
    }

    /// `http://127.0.0.1:<port>`, for `ANTHROPIC_BASE_URL`. Empty before `start()`.
    public var baseURL: String {
        guard let port = state.withLock({ $0.port }) else { return "" }
        return "http://127.0.0.1:\(port)"
    }

    public func stop() async {
        await server.stop(timeout: 0)
        let task = state.withLock { state in
            defer { state.serverTask = nil }
            return state.serverTask
        }
        task?.cancel()
        _ = await task?.result
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

    private func handleMessages(_ httpRequest: HTTPRequest) async throws -> HTTPResponse {
        let body = try await httpRequest.bodyData
        let json = (try? JSONDecoder().decode(Messages.JSONValue.self, from: body)) ?? .null
        let request = FakeAnthropicRequest(rawBody: json)
        let (handler, number) = state.withLock { state in
            state.requests.append(request)
            state.counter += 1
            return (state.handler, state.counter)
        }
        var reply = await handler(request)
        while case .delayed(let pause, let next) = reply {
            try await Task.sleep(for: pause)
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
            return HTTPResponse(
                statusCode: .ok,
                headers: [.contentType: "text/event-stream", HTTPHeader("Cache-Control"): "no-cache",
                          HTTPHeader("request-id"): "req_fake_\(number)"],
                body: responseBody.eventStream()
            )
        }
        return Self.jsonResponse(status: 200, body: responseBody.json())
    }

    private static func jsonResponse(status: Int, body: Data) -> HTTPResponse {
        HTTPResponse(
            statusCode: HTTPStatusCode(status, phrase: status == 200 ? "OK" : "Error"),
            headers: [.contentType: "application/json"],
            body: body
        )
    }
}

/// A failure of the fake server itself (not an API error it was told to return).
public struct FakeAnthropicError: Error, Sendable, CustomStringConvertible {
    public var code: String
    public var message: String
    public var description: String { "\(code): \(message)" }
}
