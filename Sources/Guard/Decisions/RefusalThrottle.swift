/// Answers each person who may not use the bot at most once per interval: every refusal is audited, but a flood
/// from strangers must not turn into a flood of messages from the bot (Telegram would throttle the real replies).
/// Memory is bounded: past `capacity` people, entries older than the interval are dropped first, then the oldest.
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

    private mutating func evict(now: Int64, intervalMs: Int64) {
        lastAnswered = lastAnswered.filter { now - $0.value < intervalMs }
        if lastAnswered.count >= capacity, let oldest = lastAnswered.min(by: { $0.value < $1.value }) {
            lastAnswered[oldest.key] = nil
        }
    }
}
