/// A token bucket kept as one number (the GCRA form): `fullAt` is when the bucket would be full again, so
/// refilling costs nothing and "when is the next token" is a subtraction.
struct PacingBucket: Sendable {
    /// Milliseconds per token.
    let interval: Double
    let burst: Int
    /// nil: full.
    private var fullAt: Double?

    init(perSecond: Double, burst: Int) {
        let rate = perSecond.isFinite && perSecond > 0 ? perSecond : 1e-6
        self.interval = 1000 / rate
        self.burst = max(1, burst)
    }

    /// Earliest time at which one token can be taken while `reserve` more stay in the bucket.
    func availableAt(reserve: Int) -> Int64 {
        guard let fullAt else { return .min }
        let kept = min(max(0, reserve), burst - 1)
        // Tokens at time t are burst - (fullAt - t) / interval; we need at least 1 + kept.
        return pacingMillis(fullAt - Double(burst - 1 - kept) * interval)
    }

    /// When the bucket holds its whole burst again.
    var restedAt: Int64 { fullAt.map(pacingMillis) ?? .min }

    mutating func take(now: Int64) {
        fullAt = max(fullAt ?? -.infinity, Double(now)) + interval
    }

    /// After a 429: allow exactly one token at `until`, then only the sustained rate, so the first thing sent after
    /// the pause does not start a new burst that Telegram would punish again.
    mutating func drain(until: Int64) {
        fullAt = max(fullAt ?? -.infinity, Double(until) + Double(burst - 1) * interval)
    }
}

/// Rounds a computed time up to a whole millisecond, never earlier than the exact value (the tiny slack absorbs
/// floating-point noise such as 1000.0000000001), and never traps on out-of-range values.
func pacingMillis(_ value: Double) -> Int64 {
    if value.isNaN { return .max }
    let up = (value - 1e-6).rounded(.up)
    if up >= 9.2e18 { return .max }
    if up <= -9.2e18 { return .min }
    return Int64(up)
}

/// `a + b` that saturates instead of trapping.
func pacingAdd(_ a: Int64, _ b: Int64) -> Int64 {
    let (sum, overflow) = a.addingReportingOverflow(b)
    if overflow { return b > 0 ? .max : .min }
    return sum
}
