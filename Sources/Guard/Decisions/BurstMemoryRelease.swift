import Messages

/// When to hand back the memory a burst of messages left behind (a flood of strangers, say): once enough arrived
/// since the last release and the link has gone back to a trickle (heartbeats, a person or two) for a whole window.
/// The C heap and SQLite's page cache keep what a burst made them grow; released, the guard returns to its idle
/// size instead of staying at its peak.
struct BurstMemoryRelease: Sendable {
    /// Messages since the last release that make a burst worth releasing after.
    var burst: Int
    /// Messages per window that still count as quiet.
    var trickle: Int
    /// The window (ms).
    var windowMs: Int64

    private var sinceRelease = 0
    private var inWindow = 0
    private var windowStart: EpochMillis?

    init(burst: Int = 1_000, trickle: Int = 10, windowMs: Int64 = 1_000) {
        self.burst = burst
        self.trickle = trickle
        self.windowMs = windowMs
    }

    mutating func arrived(_ count: Int, at now: EpochMillis) {
        if windowStart == nil { windowStart = now }
        sinceRelease += count
        inWindow += count
    }

    /// Whether to release now (asked regularly, more often than once a window); if so, counting starts again.
    mutating func shouldRelease(now: EpochMillis) -> Bool {
        guard let start = windowStart else {
            windowStart = now
            return false
        }
        guard now - start >= windowMs else { return false }
        let quiet = inWindow <= trickle
        windowStart = now
        inWindow = 0
        guard quiet, sinceRelease >= burst else { return false }
        sinceRelease = 0
        return true
    }
}
