/// A token bucket per sender address: `perMinute` requests at once, refilled at `perMinute` a minute. Pure: the caller
/// passes the time. The table is bounded, so a flood from many addresses costs memory only up to `maxSenders`:
/// when full, buckets that have filled up again are dropped (forgetting them changes nothing), and failing that the
/// one seen longest ago.
public struct SenderRateLimiter: Sendable {
    private struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    public let perMinute: Int
    public let maxSenders: Int
    private var buckets: [String: Bucket] = [:]

    public init(perMinute: Int, maxSenders: Int = 10_000) {
        precondition(perMinute > 0 && maxSenders > 0)
        self.perMinute = perMinute
        self.maxSenders = maxSenders
    }

    /// Senders tracked now.
    public var trackedSenders: Int { buckets.count }

    /// Takes a token for `sender`; false when it has none left (answer 429).
    public mutating func allow(_ sender: String, now: ContinuousClock.Instant) -> Bool {
        var bucket = buckets[sender].map { refilled($0, now: now) } ?? Bucket(tokens: Double(perMinute), updated: now)
        if buckets[sender] == nil, buckets.count >= maxSenders { makeRoom(now: now) }
        guard bucket.tokens >= 1 else {
            buckets[sender] = bucket
            return false
        }
        bucket.tokens -= 1
        buckets[sender] = bucket
        return true
    }

    private func refilled(_ bucket: Bucket, now: ContinuousClock.Instant) -> Bucket {
        let elapsed = now - bucket.updated
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        guard seconds > 0 else { return bucket }
        return Bucket(tokens: min(Double(perMinute), bucket.tokens + seconds * Double(perMinute) / 60), updated: now)
    }

    private mutating func makeRoom(now: ContinuousClock.Instant) {
        let full = Double(perMinute)
        buckets = buckets.filter { refilled($0.value, now: now).tokens < full }
        if buckets.count >= maxSenders, let oldest = buckets.min(by: { $0.value.updated < $1.value.updated })?.key {
            buckets.removeValue(forKey: oldest)
        }
    }
}
