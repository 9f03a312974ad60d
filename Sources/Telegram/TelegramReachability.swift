import Messages

/// Whether the Bot API works for this program, as its calls find it: what ingress and egress put in their health
/// file and say in their log. Pure: fed with the outcome of each call and the time.
public struct TelegramReachability: Sendable, Equatable {
    /// Since when calls fail for a reason that is not about one request (epoch ms); nil while they work.
    public private(set) var failingSince: EpochMillis?
    /// The last such failure.
    public private(set) var lastFailure: TelegramError.Code?
    /// A transient failure is reported unhealthy only after lasting this long (a 5xx blip is no news).
    public var transientGraceMs: Int64

    public init(transientGraceMs: Int64 = 30_000) {
        self.transientGraceMs = transientGraceMs
    }

    /// A call worked. Returns how long calls had been failing, if they had.
    public mutating func succeeded(now: EpochMillis) -> Int64? {
        defer {
            failingSince = nil
            lastFailure = nil
        }
        return failingSince.map { max(0, now - $0) }
    }

    /// A call failed. Returns true when this starts a failure of its kind (for one log line per outage, not one per
    /// call). Refusals of one request say nothing about Telegram as a whole and change nothing.
    @discardableResult
    public mutating func failed(_ error: TelegramError, now: EpochMillis) -> Bool {
        let scope = TelegramFailureScope(error)
        guard scope != .request, error.code != .rateLimited else { return false }
        let isNew = failingSince == nil || TelegramFailureScope(code: lastFailure) != scope
        if failingSince == nil { failingSince = now }
        lastFailure = error.code
        return isNew
    }

    /// The token is refused: nothing will work until an operator changes it.
    public var tokenRefused: Bool { TelegramFailureScope(code: lastFailure) == .bot }

    /// What is wrong, in words for an operator; nil while healthy enough.
    public func problem(now: EpochMillis) -> String? {
        guard let since = failingSince, let code = lastFailure else { return nil }
        if tokenRefused { return Self.tokenRefusedText(code) }
        let seconds = max(0, now - since) / 1000
        guard now - since >= transientGraceMs else { return nil }
        return "Telegram unreachable for \(seconds) s (\(code)); replies are kept and retried"
    }

    /// Plain words for a refused token: what is wrong and what to do. Names the variable, never its value.
    public static func tokenRefusedText(_ code: TelegramError.Code) -> String {
        let answer = code == .notFound ? "404 Not Found" : "401 Unauthorized"
        return "Telegram refuses the bot token (\(answer)): TELEGRAM_BOT_TOKEN is wrong or was revoked; "
            + "set the token @BotFather gives and restart. Replies are kept until then"
    }
}

extension TelegramFailureScope {
    init?(code: TelegramError.Code?) {
        guard let code else { return nil }
        self.init(TelegramError(code: code, method: "", description: ""))
    }
}
