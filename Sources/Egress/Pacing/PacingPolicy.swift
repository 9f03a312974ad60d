/// Telegram's (unpublished) sending limits, as token buckets: a sustained rate and a burst.
///
/// A private chat (id > 0) draws on its chat bucket and the global bucket; a group, supergroup or channel (id < 0)
/// also draws on its group bucket. Out-of-range values are clamped when the scheduler is built: bursts to at least 1,
/// rates to a tiny positive value, reserves to `0...burst - 1`.
public struct PacingPolicy: Sendable, Equatable {
    /// Sustained messages per second in one chat (Telegram: about 1/s).
    public var perChatPerSecond: Double = 1
    public var perChatBurst: Int = 3
    /// Sustained messages per minute in one group (Telegram: about 20/min).
    public var perGroupPerMinute: Double = 20
    public var perGroupBurst: Int = 3
    /// Sustained messages per second for the whole bot (Telegram: about 30/s).
    public var globalPerSecond: Double = 30
    public var globalBurst: Int = 30
    /// Chat and group tokens that progress may never use, so final answers find tokens even while progress edits
    /// flood that chat. It costs progress nothing in sustained rate, only burst (pointless for edits, where the
    /// latest state wins): with the default 2 of 3, progress goes only when the bucket is full, at most once per
    /// token interval, and finals always find two tokens right after it.
    public var progressReserve: Int = 2
    /// How long a progress request waits before it may go, so that a newer state or the final answer that follows
    /// soon after replaces it instead of costing a token. Replacing keeps the first one's clock: steady updates
    /// still go out at the rate allowed. Private chats, then groups (where each message costs 3 s of budget).
    public var progressSettleMs: Int64 = 0
    public var groupProgressSettleMs: Int64 = 1000
    /// Global tokens that progress may never use, for the same reason across chats.
    public var globalProgressReserve: Int = 5

    public init() {}
}
