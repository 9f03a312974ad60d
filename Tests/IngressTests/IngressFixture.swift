import Foundation
import HTTP
import Logging
import Settings
import Telegram
import TestSupport

/// A real Bot API client (libcurl) against the fake Telegram, with every log line captured.
struct IngressFixture {
    static let token = "123456:AAHfakeTokenForIngressTests_abcdefg"
    let telegram: FakeTelegramServer
    let http: HTTPClient
    let api: TelegramBotAPI
    let logs: LogCapture

    static func run(_ body: (IngressFixture) async throws -> Void) async throws {
        let telegram = FakeTelegramServer(token: token)
        try await telegram.start()
        let logs = LogCapture()
        let http = HTTPClient(logger: logs.logger())
        let fixture = IngressFixture(
            telegram: telegram, http: http,
            api: TelegramBotAPI(baseURL: telegram.baseURL, token: Secret(token), http: http, logger: logs.logger()),
            logs: logs)
        do {
            try await body(fixture)
        } catch {
            await http.shutdown()
            await telegram.stop()
            throw error
        }
        await http.shutdown()
        await telegram.stop()
    }

    /// The next queued update, confirmed (as ingress would after the guard's acknowledgement).
    func nextUpdate() async throws -> TelegramUpdate {
        let batch = try await api.getUpdates(
            offset: telegram.confirmedOffset, limit: 1, timeoutSeconds: 0, allowedUpdates: ["message"])
        guard let update = batch.updates.first else { throw Missing() }
        _ = try await api.getUpdates(
            offset: update.update_id + 1, limit: 1, timeoutSeconds: 0, allowedUpdates: ["message"])
        return update
    }

    struct Missing: Error {}

    /// Whether `text` leaks the bot token (or the token part of a file URL).
    static func leaksToken(_ text: String) -> Bool {
        text.contains(token) || text.contains("AAHfakeToken") || text.contains("/bot123456")
    }
}
