import Telegram
import Testing

/// Which Telegram answers end a reply (definitive, about the one request) and which are waited out; and what
/// ingress and egress report about Telegram as a whole.
@Suite struct TelegramFailureScopeTests {
    static func error(_ status: Int, _ description: String = "x") -> TelegramError {
        TelegramError(code: TelegramBotAPI.code(forStatus: status), method: "sendMessage", description: description)
    }

    @Test func onlyAnswersAboutTheRequestAreDefinitive() {
        #expect(TelegramFailureScope(Self.error(403, "Forbidden: bot was blocked by the user")) == .request)
        #expect(TelegramFailureScope(Self.error(400, "Bad Request: chat not found")) == .request)
        #expect(TelegramFailureScope(Self.error(400, "Bad Request: message is too long")) == .request)
        #expect(TelegramFailureScope(Self.error(401, "Unauthorized")) == .bot)
        #expect(TelegramFailureScope(Self.error(404, "Not Found")) == .bot)
        for status in [429, 500, 502, 503, 504] { #expect(TelegramFailureScope(Self.error(status)) == .transient) }
        #expect(TelegramFailureScope(TelegramError(code: .network, method: "sendMessage", description: "timeout")) == .transient)
        #expect(TelegramFailureScope(TelegramError(code: .invalidResponse, method: "sendMessage", description: "?")) == .transient)
    }

    @Test func aRefusedTokenIsAProblemAtOnceAndSaysWhatToDo() {
        var link = TelegramReachability(transientGraceMs: 30_000)
        let first = link.failed(Self.error(401), now: 1_000)
        let second = link.failed(Self.error(401), now: 2_000)
        #expect(first && !second, "one log line per outage")
        #expect(link.tokenRefused)
        let problem = link.problem(now: 2_000) ?? ""
        #expect(problem.contains("TELEGRAM_BOT_TOKEN is wrong or was revoked"))
        let down = link.succeeded(now: 5_000)
        #expect(down == 4_000)
        #expect(link.problem(now: 5_000) == nil)
        let again = link.succeeded(now: 6_000)
        #expect(again == nil)
    }

    @Test func transientFailuresAreAProblemOnlyAfterTheGrace() {
        var link = TelegramReachability(transientGraceMs: 30_000)
        link.failed(Self.error(502), now: 0)
        #expect(link.problem(now: 29_999) == nil)
        #expect(link.problem(now: 31_000)?.contains("unreachable for 31 s") == true)
        let refused = link.failed(Self.error(401), now: 32_000)
        #expect(refused, "a refused token is news even during an outage")
    }

    @Test func refusalsOfOneRequestAndRateLimitsSayNothingAboutTelegram() {
        var link = TelegramReachability()
        let forbidden = link.failed(Self.error(403), now: 0)
        let rateLimited = link.failed(Self.error(429), now: 0)
        #expect(!forbidden && !rateLimited)
        #expect(link.failingSince == nil)
    }
}
