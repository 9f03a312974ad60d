import Foundation

/// Telegram's flood limits, emulated: token buckets per chat, per group and for the whole bot, applied to every
/// call that sends or changes a message. A call over a limit gets 429 with the `retry_after` Telegram would give.
/// Telegram does not publish its limits; these are the usual rules of thumb (telegram.md).
public struct FakeTelegramLimits: Sendable, Equatable {
    public var perChatPerSecond: Double = 1
    public var perChatBurst: Double = 3
    public var perGroupPerMinute: Double = 20
    public var perGroupBurst: Double = 3
    public var globalPerSecond: Double = 30
    public var globalBurst: Double = 30
    /// Slack for the clocks of sender and server (a call a few ms "early" by the server's clock is let through).
    public var tolerance: TimeInterval = 0.05

    public init() {}

    static let limitedMethods: Set<String> = [
        "sendMessage", "editMessageText", "editMessageReplyMarkup", "sendDocument", "sendPhoto", "deleteMessage",
    ]
}

/// The buckets behind `FakeTelegramLimits`.
struct FakeTelegramLimiter: Sendable {
    struct Bucket: Sendable {
        var tokens: Double
        var updated: Date
    }

    let limits: FakeTelegramLimits
    var chats: [Int64: Bucket] = [:]
    var groups: [Int64: Bucket] = [:]
    var global: Bucket
    /// How many calls were refused.
    var refusals = 0

    init(limits: FakeTelegramLimits, now: Date) {
        self.limits = limits
        global = Bucket(tokens: limits.globalBurst, updated: now)
    }

    /// Takes a token from every bucket that applies, or returns how many seconds to wait (rounded up, at least 1).
    mutating func admit(chatId: Int64, now: Date) -> Int? {
        let isGroup = chatId < 0
        let effective = now.addingTimeInterval(limits.tolerance)
        var chat = Self.refill(chats[chatId] ?? Bucket(tokens: limits.perChatBurst, updated: now), rate: limits.perChatPerSecond,
                               burst: limits.perChatBurst, now: effective)
        var group = Self.refill(groups[chatId] ?? Bucket(tokens: limits.perGroupBurst, updated: now), rate: limits.perGroupPerMinute / 60,
                                burst: limits.perGroupBurst, now: effective)
        var all = Self.refill(global, rate: limits.globalPerSecond, burst: limits.globalBurst, now: effective)
        var waits = [Self.wait(chat, rate: limits.perChatPerSecond), Self.wait(all, rate: limits.globalPerSecond)]
        if isGroup { waits.append(Self.wait(group, rate: limits.perGroupPerMinute / 60)) }
        if let longest = waits.compactMap({ $0 }).max() {
            refusals += 1
            return max(1, Int(longest.rounded(.up)))
        }
        chat.tokens -= 1
        all.tokens -= 1
        if isGroup { group.tokens -= 1 }
        chats[chatId] = chat
        if isGroup { groups[chatId] = group }
        global = all
        return nil
    }

    private static func refill(_ bucket: Bucket, rate: Double, burst: Double, now: Date) -> Bucket {
        let elapsed = max(0, now.timeIntervalSince(bucket.updated))
        return Bucket(tokens: min(burst, bucket.tokens + elapsed * rate), updated: max(bucket.updated, now))
    }

    /// Seconds until the bucket holds a whole token, or nil if it does now.
    private static func wait(_ bucket: Bucket, rate: Double) -> Double? {
        bucket.tokens >= 1 ? nil : (1 - bucket.tokens) / rate
    }
}
