import Foundation

/// What to do about a run that should have happened while Gatehouse was down.
public enum MissedRunPolicy: String, Sendable, Codable, CaseIterable {
    /// Run it once at start-up (however many were missed), then carry on.
    case run
    /// Skip what was missed and wait for the next time.
    case skip
}

/// When a schedule runs next, decided from its expression and the time it was due; pure, so it is tested with any
/// clock.
public struct ScheduleTiming: Sendable, Equatable {
    public enum Verdict: Sendable, Equatable {
        /// Not yet.
        case wait
        /// Run now; the run after it is at `next` (nil: never again).
        case run(next: Date?)
        /// What was due was missed and is skipped; the next run is at `next`.
        case skipMissed(next: Date?)
    }

    /// A due time older than this when it is noticed was missed (downtime), not just reached by a slow tick.
    public static let lateness: TimeInterval = 120

    public let expression: CronExpression
    public let timeZone: TimeZone
    public let missed: MissedRunPolicy

    public init(expression: CronExpression, timeZone: TimeZone, missed: MissedRunPolicy) {
        self.expression = expression
        self.timeZone = timeZone
        self.missed = missed
    }

    /// The verdict for a schedule due at `due`, looked at `now`. The next time is computed from `now`, never from
    /// `due`: after a long downtime the missed runs collapse into one (or none), never a run per missed time.
    public func verdict(due: Date, now: Date) -> Verdict {
        guard due <= now else { return .wait }
        let next = expression.nextRun(after: now, in: timeZone)
        if now.timeIntervalSince(due) > Self.lateness && missed == .skip { return .skipMissed(next: next) }
        return .run(next: next)
    }
}
