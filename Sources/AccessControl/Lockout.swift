import Messages

/// When repeated authentication failures lock a user out: `maxFailures` failures within `windowSeconds` lock
/// the user for `lockSeconds` after the failure that completed the run. Values below 1 are treated as 1.
public struct LockoutPolicy: Sendable, Equatable {
    public var maxFailures: Int
    public var windowSeconds: Int64
    public var lockSeconds: Int64

    public init(maxFailures: Int = 5, windowSeconds: Int64 = 900, lockSeconds: Int64 = 1800) {
        self.maxFailures = maxFailures
        self.windowSeconds = windowSeconds
        self.lockSeconds = lockSeconds
    }

    private var threshold: Int { max(maxFailures, 1) }
    private var windowMs: Int64 { Self.milliseconds(windowSeconds) }
    private var lockMs: Int64 { Self.milliseconds(lockSeconds) }

    /// Epoch milliseconds until which the user is locked out, or nil when they are not locked at `now`.
    ///
    /// A failure completes a run when it and the `maxFailures - 1` failures before it fall within a span of
    /// `windowSeconds` ending at it (a failure exactly `windowSeconds` earlier is outside the span). The lock
    /// lasts `lockSeconds` from the latest such failure. Every failure is considered, not only the newest, so
    /// failures recorded while locked cannot shorten the lock. Order of `failureTimes` does not matter.
    public func lockedUntil(failureTimes: [EpochMillis], now: EpochMillis) -> EpochMillis? {
        let times = failureTimes.sorted()
        let needed = threshold
        guard times.count >= needed else { return nil }
        var lockEnd: EpochMillis?
        for last in (needed - 1)..<times.count {
            let first = times[last - (needed - 1)]
            let (span, overflow) = times[last].rawValue.subtractingReportingOverflow(first.rawValue)
            guard !overflow, span < windowMs else { continue }
            lockEnd = times[last].adding(saturating: lockMs)
        }
        guard let lockEnd, lockEnd > now else { return nil }
        return lockEnd
    }

    /// Failures before this instant can no longer affect `lockedUntil(failureTimes:now:)` at `now` or later,
    /// so the ledger may stop reading (or delete) them.
    public func oldestRelevantFailure(now: EpochMillis) -> EpochMillis {
        let (lookback, overflow) = windowMs.addingReportingOverflow(lockMs)
        let (start, early) = now.rawValue.subtractingReportingOverflow(overflow ? .max : lookback)
        return early ? .min : EpochMillis(start)
    }

    private static func milliseconds(_ seconds: Int64) -> Int64 {
        let (ms, overflow) = max(seconds, 1).multipliedReportingOverflow(by: 1000)
        return overflow ? .max : ms
    }
}
