import Messages

/// How many strangers the guard answers: a token bucket over all of them together. A refusal beyond it is still
/// committed and audited, just not answered, so that a flood of strangers cannot fill the outbox, use up the bot's
/// Telegram rate (about 30 messages a second in all) and hold back the answers the allowed users are waiting for.
struct RefusalReplyBudget: Sendable {
    /// Refusals answered at once after a quiet spell.
    var burst: Double = 20
    /// Refusals answered per second, sustained.
    var perSecond: Double = 1

    private var tokens: Double?
    private var updatedAt: EpochMillis = 0

    /// Whether a refusal at `now` (epoch ms) may be answered; takes one token if so.
    mutating func take(now: EpochMillis) -> Bool {
        let elapsed = Double(max(0, now - updatedAt)) / 1_000
        let available = min(burst, (tokens ?? burst) + elapsed * perSecond)
        updatedAt = now
        guard available >= 1 else {
            tokens = available
            return false
        }
        tokens = available - 1
        return true
    }
}
