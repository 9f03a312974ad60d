import Messages

/// How many requests a user may make: `requests` per `windowSeconds` on average, with up to `burst` at once.
/// The bucket refills continuously at `requests / windowSeconds` tokens per second and holds at most `burst`
/// tokens; a request costs one token. Values below 1 are treated as 1, so a misconfigured limit is strict
/// rather than undefined (configuration validation is expected to reject them earlier).
public struct RateLimit: Sendable, Equatable, Hashable, Codable {
    public var requests: Int
    public var windowSeconds: Int
    public var burst: Int

    public init(requests: Int, windowSeconds: Int, burst: Int) {
        self.requests = requests
        self.windowSeconds = windowSeconds
        self.burst = burst
    }

    /// Most tokens a bucket can hold.
    public var capacity: Double { Double(max(burst, 1)) }

    var refillRequests: Double { Double(max(requests, 1)) }
    var refillWindowMs: Double { Double(max(windowSeconds, 1)) * 1000 }

    /// Tokens minted by `elapsedMs` of waiting. One multiplication and one division of integers, so a whole
    /// refill period yields exactly one token and the timing arithmetic stays exact.
    func refill(elapsedMs: Int64) -> Double {
        Double(elapsedMs) * refillRequests / refillWindowMs
    }
}

/// What the bucket said about one request.
public enum RateDecision: Sendable, Equatable {
    case allowed
    /// The earliest time, from `now`, at which the same request would be allowed.
    case refused(retryAfterMs: Int64)
}

/// One user's token bucket: plain data so the ledger can persist it across restarts.
public struct TokenBucket: Sendable, Codable, Equatable {
    /// Tokens available at `updatedAt`, in 0...capacity.
    public var tokens: Double
    /// Epoch milliseconds the tokens were counted at. Never moves backwards.
    public var updatedAt: EpochMillis

    public init(tokens: Double, updatedAt: EpochMillis) {
        self.tokens = tokens
        self.updatedAt = updatedAt
    }

    /// A bucket for a user seen for the first time: everything is available.
    public static func full(_ limit: RateLimit, now: EpochMillis) -> TokenBucket {
        TokenBucket(tokens: limit.capacity, updatedAt: now)
    }

    /// Tolerance for the rounding of fractional refills, far below anything a client could exploit.
    static let epsilon = 1e-9

    /// Takes one token if one is available at `now`; otherwise says exactly how long until one is.
    ///
    /// A clock that goes backwards mints nothing: the bucket keeps its later `updatedAt` and refills only once
    /// time passes it again (the retry delay then includes the skew).
    public mutating func take(_ limit: RateLimit, now: EpochMillis) -> RateDecision {
        let available = tokens(limit, at: now)
        let countedAt = max(updatedAt, now)
        if available >= 1 - Self.epsilon {
            tokens = max(0, available - 1)
            updatedAt = countedAt
            return .allowed
        }
        // Keep what was counted (refill up to now is not lost), then find the first millisecond with a token.
        tokens = available
        updatedAt = countedAt
        let (skew, early) = countedAt.rawValue.subtractingReportingOverflow(now.rawValue)
        let (retry, late) = skew.addingReportingOverflow(millisecondsUntilToken(limit))
        return .refused(retryAfterMs: early || late ? .max : retry)
    }

    /// Tokens available at `now` without taking any. Does not change the bucket.
    public func tokens(_ limit: RateLimit, at now: EpochMillis) -> Double {
        let current = Self.sanitized(tokens, capacity: limit.capacity)
        guard now > updatedAt else { return current }
        let (elapsed, overflow) = now.rawValue.subtractingReportingOverflow(updatedAt.rawValue)
        if overflow { return limit.capacity }
        return min(limit.capacity, current + limit.refill(elapsedMs: elapsed))
    }

    /// The smallest whole number of milliseconds after `updatedAt` at which a token is available,
    /// by the same test `take` applies, so "retry after" is never early and never late by a millisecond.
    private func millisecondsUntilToken(_ limit: RateLimit) -> Int64 {
        let start = Self.sanitized(tokens, capacity: limit.capacity)
        func hasToken(after delay: Int64) -> Bool {
            min(limit.capacity, start + limit.refill(elapsedMs: delay)) >= 1 - Self.epsilon
        }
        let estimate = (1 - Self.epsilon - start) * limit.refillWindowMs / limit.refillRequests
        // A refill so slow it takes longer than Int64 can count: report the largest delay instead of trapping.
        guard estimate < 4e18 else { return .max }
        var delay = max(1, Int64(estimate.rounded(.up)))
        while delay > 1, hasToken(after: delay - 1) { delay -= 1 }
        while !hasToken(after: delay) { delay += 1 }
        return delay
    }

    /// A persisted bucket may come from an older limit or a damaged row: keep it within 0...capacity.
    private static func sanitized(_ tokens: Double, capacity: Double) -> Double {
        guard tokens.isFinite else { return 0 }
        return min(max(tokens, 0), capacity)
    }
}
