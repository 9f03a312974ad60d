import Messages

/// Answers each person at most once per refusal reason and interval: every refusal is audited, but a flood of
/// them must not turn into a flood of messages from the bot. Replies to a chat go out one at a time, so dozens of
/// "slow down" answers would queue in front of the one that matters (a block notice arrived ~30 s late behind 30
/// of them); and a flood of strangers would use up the bot's Telegram rate that the real replies need.
/// Memory is bounded: past `capacity` entries, those older than the interval are dropped first, then the oldest
/// (a tenth of `capacity` at a time).
public struct RefusalThrottle: Sendable {
    /// One person and one reason for refusing them ("blocked user", "limit.rate", …).
    struct Key: Hashable, Sendable {
        var userId: Int64
        var reason: String
    }

    public var capacity: Int
    private var lastAnswered: [Key: EpochMillis] = [:]

    public init(capacity: Int = 10_000) {
        self.capacity = capacity
    }

    public var count: Int { lastAnswered.count }

    /// True if this refusal should be answered (and remembers that it was): no refusal for the same reason was
    /// answered to this person within `intervalMs`.
    public mutating func shouldAnswer(_ userId: Int64, reason: String = "", now: EpochMillis, intervalMs: Int64) -> Bool {
        let key = Key(userId: userId, reason: reason)
        if let last = lastAnswered[key], now - last < intervalMs, now >= last { return false }
        if lastAnswered[key] == nil && lastAnswered.count >= capacity { evict(now: now, intervalMs: intervalMs) }
        lastAnswered[key] = now
        return true
    }

    /// Makes room for a tenth of `capacity` at once: expired entries go first, then the oldest. One pass per
    /// `capacity / 10` newcomers instead of one per newcomer, which under a flood of more distinct strangers than
    /// `capacity` cut the guard's refusal rate by three quarters.
    private mutating func evict(now: EpochMillis, intervalMs: Int64) {
        lastAnswered = lastAnswered.filter { now - $0.value < intervalMs }
        let target = capacity - max(1, capacity / 10)
        guard lastAnswered.count > target else { return }
        for (key, _) in lastAnswered.sorted(by: { $0.value < $1.value }).prefix(lastAnswered.count - target) {
            lastAnswered[key] = nil
        }
    }
}
