import Foundation
import HTTP
import Logging
import Metrics
import Settings
import Telemetry

/// A Bot API client: one method call is one HTTPS request to `{baseURL}/bot{token}/{method}` with a JSON body.
/// The base URL is configurable (a self-hosted Bot API server, or a test double).
public struct TelegramBotAPI: Sendable {
    let baseURL: String
    let token: Secret
    let http: HTTPClient
    private let logger: Logger

    public init(baseURL: String, token: Secret, http: HTTPClient, logger: Logger) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.token = token
        self.http = http
        self.logger = logger
    }

    /// Calls `method` with `parameters` and decodes its `result`.
    public func call<Parameters: Encodable & Sendable, Result: Decodable>(
        _ method: String, _ parameters: Parameters, as: Result.Type = Result.self, timeout: Duration = .seconds(30)
    ) async throws(TelegramError) -> Result {
        try decode(await send(method, parameters, timeout: timeout), method: method)
    }

    /// Sends `method` with a JSON body and returns the raw answer, for callers that read `result` themselves.
    func send<Parameters: Encodable & Sendable>(
        _ method: String, _ parameters: Parameters, timeout: Duration
    ) async throws(TelegramError) -> HTTPResponse {
        let body: Data
        do {
            body = try Self.encoder.encode(parameters)
        } catch {
            throw TelegramError(code: .invalidResponse, method: method, description: "cannot encode parameters")
        }
        let request = HTTPRequest(
            method: .post, url: "\(baseURL)/bot\(token.reveal())/\(method)",
            body: .data(body, contentType: "application/json"), timeout: timeout)
        return try await execute(request, method: method)
    }

    /// Calls `method` with a multipart body (file uploads).
    public func upload<Result: Decodable>(
        _ method: String, parts: [MultipartPart], as: Result.Type = Result.self, timeout: Duration = .seconds(120)
    ) async throws(TelegramError) -> Result {
        let request = HTTPRequest(
            method: .post, url: "\(baseURL)/bot\(token.reveal())/\(method)", body: .multipart(parts), timeout: timeout)
        return try await perform(request, method: method)
    }

    private func perform<Result: Decodable>(_ request: HTTPRequest, method: String) async throws(TelegramError) -> Result {
        try decode(await execute(request, method: method), method: method)
    }

    private func execute(_ request: HTTPRequest, method: String) async throws(TelegramError) -> HTTPResponse {
        do {
            let response = try await http.execute(request)
            Counter(label: MetricName.telegramCalls, dimensions: [("method", method), ("status", String(response.status))]).increment()
            return response
        } catch {
            Counter(label: MetricName.telegramCalls, dimensions: [("method", method), ("status", "network")]).increment()
            throw TelegramError(code: .network, method: method, description: error.description)
        }
    }

    /// Reads the envelope of an answer: its `result`, or the error Telegram describes.
    func decode<Result: Decodable>(_ response: HTTPResponse, method: String) throws(TelegramError) -> Result {
        let envelope: ResponseEnvelope<Result>
        do {
            envelope = try Self.decoder.decode(ResponseEnvelope<Result>.self, from: response.body)
        } catch {
            if response.status >= 500 {
                throw TelegramError(code: .server, method: method, description: "HTTP \(response.status)")
            }
            throw TelegramError(
                code: response.status == 200 ? .invalidResponse : Self.code(forStatus: response.status), method: method,
                description: "HTTP \(response.status) with an unreadable body")
        }
        if envelope.ok, let result = envelope.result { return result }
        let status = envelope.error_code ?? response.status
        let error = TelegramError(
            code: Self.code(forStatus: status), method: method, description: envelope.description ?? "HTTP \(status)",
            retryAfterSeconds: envelope.parameters?.retry_after, migrateToChatId: envelope.parameters?.migrate_to_chat_id)
        if let wait = error.retryAfterSeconds, error.code == .rateLimited {
            FloatingPointCounter(label: MetricName.telegramRetryAfter, dimensions: [("method", method)])
                .increment(by: Double(wait))
        }
        logger.debug("Bot API call refused", metadata: ["method": "\(method)", "error": "\(error)"])
        throw error
    }

    public static func code(forStatus status: Int) -> TelegramError.Code {
        switch status {
        case 401: .unauthorized
        case 403: .forbidden
        case 404: .notFound
        case 409: .conflict
        case 429: .rateLimited
        case 500...: .server
        default: .badRequest
        }
    }

    private struct ResponseEnvelope<Result: Decodable>: Decodable {
        var ok: Bool
        var result: Result?
        var error_code: Int?
        var description: String?
        var parameters: ResponseParameters?
    }

    private struct ResponseParameters: Decodable {
        var retry_after: Int?
        var migrate_to_chat_id: Int64?
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }()
    private static let decoder = JSONDecoder()
}
