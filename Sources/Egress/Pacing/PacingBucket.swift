import Messages

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
    func availableAt(reserve: Int) -> EpochMillis {
        guard let fullAt else { return .min }
        let kept = min(max(0, reserve), burst - 1)
        // Tokens at time t are burst - (fullAt - t) / interval; we need at least 1 + kept.
        return pacingInstant(fullAt - Double(burst - 1 - kept) * interval)
    }

    /// When the bucket holds its whole burst again.
    var restedAt: EpochMillis { fullAt.map(pacingInstant) ?? .min }

    mutating func take(now: EpochMillis) {
        fullAt = max(fullAt ?? -.infinity, Double(now.rawValue)) + interval
    }

    /// After a 429: allow exactly one token at `until`, then only the sustained rate, so the first thing sent after
    /// the pause does not start a new burst that Telegram would punish again.
    mutating func drain(until: EpochMillis) {
        fullAt = max(fullAt ?? -.infinity, Double(until.rawValue) + Double(burst - 1) * interval)
    }
}

/// Rounds a computed time (epoch milliseconds, fractional) up to a whole millisecond, never earlier than the exact
/// value (the tiny slack absorbs floating-point noise such as 1000.0000000001), and never traps on out-of-range
/// values.
func pacingInstant(_ value: Double) -> EpochMillis {
    if value.isNaN { return .max }
    let up = (value - 1e-6).rounded(.up)
    if up >= 9.2e18 { return .max }
    if up <= -9.2e18 { return .min }
    return EpochMillis(Int64(up))
}
