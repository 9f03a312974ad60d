import Foundation
import Schedules
import Testing

/// The scheduler's decisions against a manual clock: due, not due, missed runs after downtime.
@Suite struct ScheduleTimingTests {
    let utc = TimeZone(identifier: "UTC")!
    let hour: TimeInterval = 3_600

    func timing(_ cron: String, missed: MissedRunPolicy) throws -> ScheduleTiming {
        ScheduleTiming(expression: try CronExpression(cron), timeZone: utc, missed: missed)
    }

    @Test func notDueWaits() throws {
        let due = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(try timing("@hourly", missed: .run).verdict(due: due, now: due - 1) == .wait)
    }

    @Test func dueRunsAndTheNextTimeIsAfterNow() throws {
        let timing = try timing("0 * * * *", missed: .skip)
        let due = Date(timeIntervalSince1970: 1_800_000_000 - 1_800_000_000.truncatingRemainder(dividingBy: 3_600))
        // A tick a few seconds late still runs, even with missed=skip.
        guard case .run(let next?) = timing.verdict(due: due, now: due + 5) else { Issue.record("not run"); return }
        #expect(next == due + hour)
    }

    @Test func afterDowntimeMissedRunsCollapseIntoOneOrNone() throws {
        let due = Date(timeIntervalSince1970: 1_800_000_000 - 1_800_000_000.truncatingRemainder(dividingBy: 3_600))
        let now = due + 10 * hour + 60  // ten hourly runs missed
        #expect(try timing("0 * * * *", missed: .run).verdict(due: due, now: now) == .run(next: due + 11 * hour))
        #expect(try timing("0 * * * *", missed: .skip).verdict(due: due, now: now) == .skipMissed(next: due + 11 * hour))
    }
}
