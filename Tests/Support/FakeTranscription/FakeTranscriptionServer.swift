import Foundation
import Synchronization

/// A stand-in for an OpenAI-compatible speech-to-text service (`POST /v1/audio/transcriptions`). It checks each
/// request as the real API would (Bearer key, multipart with a `file` part and a `model` field) and answers
/// `{"text": …}` with the scripted transcript; anything malformed is answered 400/401 and recorded in `violations`.
public final class FakeTranscriptionServer: Sendable {
    /// One request as received.
    public struct Request: Sendable {
        public var model: String?
        public var fileName: String?
        public var contentType: String?
        public var audio: Data
        public var authorization: String?
    }

    public let apiKey: String
    private let core: FakeTranscriptionCore
    private let http: LoopbackHTTPServer

    public init(apiKey: String) {
        self.apiKey = apiKey
        let core = FakeTranscriptionCore(apiKey: apiKey)
        self.core = core
        http = LoopbackHTTPServer(name: "FakeTranscription", blockingHandler: { request, _ in core.handle(request) })
    }

    public func start() throws {
        _ = try http.start()
    }

    public func stop() async {
        await http.stop()
    }

    /// What `VOICE_API_BASE_URL` should be set to.
    public var baseURL: String { http.baseURL }

    /// The text the next requests are answered with.
    public func script(transcript: String) {
        core.state.withLock { $0.transcript = transcript }
    }

    /// The next request is answered with `status` (e.g. 500) instead of a transcript.
    public func failNext(status: Int) {
        core.state.withLock { $0.failNextWithStatus = status }
    }

    public var requests: [Request] { core.state.withLock { $0.requests } }
    public var violations: [String] { core.state.withLock { $0.violations } }
}

/// The fake's request handling and state, shared with the HTTP server's handler.
final class FakeTranscriptionCore: Sendable {
    struct State {
        var transcript = "transcribed words"
        var failNextWithStatus: Int?
        var requests: [FakeTranscriptionServer.Request] = []
        var violations: [String] = []
    }

    let apiKey: String
    let state = Mutex(State())

    init(apiKey: String) {
        self.apiKey = apiKey
    }

    func handle(_ request: LoopbackHTTPRequest) -> LoopbackHTTPResponse {
        guard request.method == "POST", request.path == "/v1/audio/transcriptions" else {
            return refuse(404, "request to \(request.method) \(request.path)")
        }
        let authorization = request.headers["authorization"]
        guard authorization == "Bearer \(apiKey)" else { return refuse(401, "missing or wrong Bearer key") }
        let parameters: FakeTelegramRequestParameters
        do {
            parameters = try FakeTelegramRequestParameters(request: request)
        } catch {
            return refuse(400, "unreadable body: \(error.description)")
        }
        guard parameters.encoding == "multipart" else { return refuse(400, "body is \(parameters.encoding), not multipart") }
        guard let file = parameters.values["file"]?.fileValue, !file.bytes.isEmpty else {
            return refuse(400, "no file part (or an empty one)")
        }
        guard let model = parameters.values["model"]?.stringValue, !model.isEmpty else { return refuse(400, "no model field") }
        let (transcript, failure) = state.withLock { state in
            state.requests.append(FakeTranscriptionServer.Request(
                model: model, fileName: file.fileName, contentType: file.contentType, audio: file.bytes,
                authorization: authorization))
            defer { state.failNextWithStatus = nil }
            return (state.transcript, state.failNextWithStatus)
        }
        if let failure {
            return LoopbackHTTPResponse(status: failure, contentType: "application/json", body: Data(#"{"error":{"message":"scripted failure"}}"#.utf8))
        }
        let body = (try? JSONEncoder().encode(["text": transcript])) ?? Data()
        return LoopbackHTTPResponse(status: 200, contentType: "application/json", body: body)
    }

    private func refuse(_ status: Int, _ violation: String) -> LoopbackHTTPResponse {
        state.withLock { $0.violations.append(violation) }
        return LoopbackHTTPResponse(
            status: status, contentType: "application/json", body: Data(#"{"error":{"message":"refused"}}"#.utf8))
    }
}
