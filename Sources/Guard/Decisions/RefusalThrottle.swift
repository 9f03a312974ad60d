/// Answers each person who may not use the bot at most once per interval: every refusal is audited, but a flood
/// from strangers must not turn into a flood of messages from the bot (Telegram would throttle the real replies).
/// Memory is bounded: past `capacity` people, entries older than the interval are dropped first, then the oldest
/// (a tenth of `capacity` at a time).
public struct RefusalThrottle: Sendable {
    public var capacity: Int
    private var lastAnswered: [Int64: Int64] = [:]

    public init(capacity: Int = 10_000) {
        self.capacity = capacity
    }

    public var count: Int { lastAnswered.count }

    /// True if this refusal should be answered (and remembers that it was).
    public mutating func shouldAnswer(_ userId: Int64, now: Int64, intervalMs: Int64) -> Bool {
        if let last = lastAnswered[userId], now - last < intervalMs, now >= last { return false }
        if lastAnswered[userId] == nil && lastAnswered.count >= capacity { evict(now: now, intervalMs: intervalMs) }
        lastAnswered[userId] = now
        return true
    }

    /// Makes room for a tenth of `capacity` at once: expired entries go first, then the oldest. One pass per
    /// `capacity / 10` newcomers instead of one per newcomer, which under a flood of more distinct strangers than
    /// `capacity` cut the guard's refusal rate by three quarters.
    private mutating func evict(now: Int64, intervalMs: Int64) {
        lastAnswered = lastAnswered.filter { now - $0.value < intervalMs }
        let target = capacity - max(1, capacity / 10)
        guard lastAnswered.count > target else { return }
        for (userId, _) in lastAnswered.sorted(by: { $0.value < $1.value }).prefix(lastAnswered.count - target) {
            lastAnswered[userId] = nil
        }
    }
}
