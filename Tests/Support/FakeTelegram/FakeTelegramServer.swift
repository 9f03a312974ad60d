import Foundation
import Logging

/// A stand-in for https://api.telegram.org that checks every call against the Bot API spec (api.json).
/// Point the bot's API base URL at `baseURL`; tests then assert on `calls`, `messages(inChat:)` and that
/// `violations` is empty.
public final class FakeTelegramServer: Sendable {
    let core: FakeTelegramCore
    private let http: LoopbackHTTPServer

    /// `token` is the only one accepted; any other gets 401 and a violation.
    public init(token: String, botUser: FakeTelegramUser? = nil, logger: Logger? = nil) {
        let botId = token.split(separator: ":").first.flatMap { Int64($0) } ?? 1
        let bot = botUser ?? FakeTelegramUser(id: botId, firstName: "Gatehouse Test Bot",
                                              username: "gatehouse_test_bot", isBot: true)
        // The spec is part of this target's resources: failing to load it is a broken build, not a test outcome.
        let spec: TelegramBotAPISpec
        do {
            spec = try TelegramBotAPISpec.bundled()
        } catch {
            fatalError("FakeTelegramServer cannot load the bundled Bot API spec: \(error)")
        }
        let core = FakeTelegramCore(token: token, botUser: bot, spec: spec,
                                    logger: logger ?? Logger(label: "gatehouse.test.fake-telegram"))
        self.core = core
        self.http = LoopbackHTTPServer(name: "FakeTelegram", blockingHandler: { request, peer in core.handle(request, peer: peer) })
    }

    /// Listens on 127.0.0.1, on a port the system picks.
    public func start() async throws {
        let port = try http.start()
        core.locked { $0.port = port }
    }

    /// "http://127.0.0.1:PORT": what TELEGRAM_API_BASE_URL should be set to.
    public var baseURL: String { "http://127.0.0.1:\(core.locked { $0.port })" }
    /// The port it listens on (127.0.0.1).
    public var port: Int { core.locked { $0.port } }

    /// Ends held long polls, hangs up every connection and waits (up to a second) for them to close.
    public func stop() async {
        core.lockedAndSignal { $0.stopped = true }
        await http.stop(waitingUpTo: .seconds(1))
    }

    // MARK: - Inbound traffic

    /// Queues a text message from `user` (in their private chat with the bot unless `chat` is given).
    @discardableResult
    public func enqueueMessage(from user: FakeTelegramUser, chat: FakeTelegramChat? = nil, text: String) -> Int64 {
        core.enqueueMessage(from: user, chat: chat, text: text)
    }

    /// Queues a press of an inline button with `data` on the bot's message `messageId`.
    @discardableResult
    public func enqueueCallbackQuery(
        from user: FakeTelegramUser, chat: FakeTelegramChat? = nil, messageId: Int64, data: String
    ) -> Int64 {
        core.enqueueCallbackQuery(from: user, chat: chat, messageId: messageId, data: data)
    }

    /// Queues an update as given (update_id assigned if absent). Chats it mentions become known.
    @discardableResult
    public func enqueueRawUpdate(_ update: [String: FakeTelegramValue]) -> Int64 {
        core.enqueue(update)
    }

    /// Queues an update given as JSON text; `nil` (and nothing queued) if it is not a JSON object.
    @discardableResult
    public func enqueueRawUpdate(json: String) -> Int64? {
        guard case .object(let update)? = FakeTelegramValue.parse(json: json) else { return nil }
        return core.enqueue(update)
    }

    /// Queues an update given as a Foundation JSON object; `nil` if it is not valid JSON.
    @discardableResult
    public func enqueueRawUpdate(foundation update: [String: Any]) -> Int64? {
        guard case .object(let value)? = FakeTelegramValue.from(foundation: update) else { return nil }
        return core.enqueue(value)
    }

    /// Puts `json` (given the next update id for `%ID%`, if it contains that) as raw text at the front of the next
    /// non-empty getUpdates answer, once: e.g. an update nested deeper than any JSON parser allows, or with an
    /// unreadable update_id. Returns the id used.
    @discardableResult
    public func injectUndecodableUpdate(json: String) -> Int64 {
        core.locked { state in
            let id = state.nextUpdateId
            state.nextUpdateId += 1
            state.undecodableElements.append(json.replacingOccurrences(of: "%ID%", with: String(id)))
            return id
        }
    }

    /// Makes a chat known without an update (e.g. a group the bot posts to first).
    public func registerChat(_ chat: FakeTelegramChat) {
        core.locked { $0.remember(chat: chat) }
    }

    /// Makes `fileId` downloadable: getFile answers its file_path, /file/bot<token>/<path> serves `bytes`.
    public func registerFile(fileId: String, bytes: Data, fileName: String? = nil) {
        core.locked { _ = $0.storeFile(fileId: fileId, bytes: bytes, fileName: fileName) }
    }

    /// The highest offset the bot confirmed through getUpdates (every update below it is gone).
    public var confirmedOffset: Int64 { core.locked { $0.confirmedOffset } }

    /// Updates queued and not yet confirmed.
    public var pendingUpdateCount: Int { core.locked { $0.pendingUpdates.count } }

    /// getUpdates requests currently held open waiting for an update.
    public var activeLongPolls: Int { core.locked { $0.activeLongPolls } }

    // MARK: - What the bot did

    /// Every call, in the order they completed.
    public var calls: [FakeTelegramCall] { core.settled { $0.calls } }

    public func calls(to method: String) -> [FakeTelegramCall] {
        core.settled { $0.calls.filter { $0.method == method } }
    }

    /// The bot's messages in a chat, in the order sent, each in its latest state (edits applied, deletions flagged).
    public func messages(inChat chatId: Int64) -> [FakeTelegramMessage] {
        core.settled { $0.botMessages[chatId] ?? [] }
    }

    /// Every spec or protocol violation seen so far; a correct bot leaves this empty.
    public var violations: [String] { core.settled { $0.violations } }

    /// The commands of the last successful setMyCommands.
    public var commands: FakeTelegramValue? { core.settled { $0.commands } }

    /// The command names last set for a scope: "default", or e.g. "chat:42" (`BotCommandScopeChat`).
    public func commandNames(scope: String = "default") -> [String]? {
        core.settled { $0.commandsByScope[scope] }?.arrayValue?.compactMap { $0["command"]?.stringValue }
    }

    /// Callback queries delivered but never answered with answerCallbackQuery.
    public var unansweredCallbackQueryIds: [String] {
        core.settled { $0.callbackQueries.filter { !$0.value }.keys.sorted() }
    }

    /// Polls `condition` until it holds or `timeout` passes; returns whether it held.
    public func waitUntil(timeout: Duration, _ condition: @Sendable (FakeTelegramServer) -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while true {
            if condition(self) { return true }
            if ContinuousClock.now >= deadline { return false }
            try? await Task.sleep(for: .milliseconds(5))
        }
    }

    // MARK: - Fault injection

    /// The next `times` calls of `method` (for `chatId`, or any chat when nil) get 429 with `retry_after`.
    /// A call of the same method and chat before that delay has passed is answered 429 again and is a violation.
    public func rateLimit(method: String, chatId: Int64?, retryAfter: Int, times: Int = 1) {
        core.locked {
            $0.rateLimits.append(.init(method: method, chatId: chatId, retryAfter: retryAfter, remaining: times))
        }
    }

    /// From now on, refuse calls over Telegram-like flood limits with 429 (see `FakeTelegramLimits`).
    public func emulateLimits(_ limits: FakeTelegramLimits = .init()) {
        core.locked { $0.limiter = FakeTelegramLimiter(limits: limits, now: Date()) }
    }

    /// How many calls the emulated flood limits refused.
    public var limitRefusals: Int { core.locked { $0.limiter?.refusals ?? 0 } }

    /// Every call of every method gets `status` with `description` for `duration` (as when the bot's token is
    /// refused for a moment, or Telegram's servers fail); not a violation. The calls are still recorded.
    public func failEverything(status: Int, description: String, for duration: Duration) {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        core.locked { $0.outage = (.init(status: status, description: description), Date().addingTimeInterval(seconds)) }
    }

    /// The next call of `method` (after spec validation) gets `status` with `description`; not a violation.
    public func failNext(method: String, status: Int, description: String) {
        core.locked { $0.injectedFailures[method, default: []].append(.init(status: status, description: description)) }
    }
}
