import Foundation
import Schedules
import Testing

@Suite struct CronExpressionTests {
    let utc = TimeZone(identifier: "UTC")!
    let berlin = TimeZone(identifier: "Europe/Berlin")!

    /// An instant from a local wall-clock time in `zone`.
    func at(_ text: String, _ zone: TimeZone) -> Date {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = zone
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return formatter.date(from: text)!
    }

    func local(_ date: Date?, _ zone: TimeZone) -> String {
        guard let date else { return "never" }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = zone
        formatter.dateFormat = "yyyy-MM-dd HH:mm xxx"
        return formatter.string(from: date)
    }

    @Test func fieldsListsRangesStepsAndNames() throws {
        let cron = try CronExpression("*/15 9-17/4 1,15 jan-mar mon-fri")
        #expect(cron.minutes == [0, 15, 30, 45])
        #expect(cron.hours == [9, 13, 17])
        #expect(cron.daysOfMonth == [1, 15])
        #expect(cron.months == [1, 2, 3])
        #expect(cron.daysOfWeek == [1, 2, 3, 4, 5])
        #expect(try CronExpression("0 0 * * 7").daysOfWeek == [0])
        #expect(try CronExpression("5/20 * * * *").minutes == [5, 25, 45])
        #expect(try CronExpression("@daily") == CronExpression("0 0 * * *"))
        #expect(try CronExpression("@weekly").daysOfWeek == [0])
    }

    @Test(arguments: [
        ("", "5 fields"), ("* * * *", "5 fields"), ("60 * * * *", "minute 60 is out of range"),
        ("* 24 * * *", "hour 24"), ("* * 0 * *", "day of month 0"), ("* * * 13 *", "month 13"),
        ("* * * * 8", "day of week 8"), ("*/0 * * * *", "step"), ("5-1 * * * *", "backwards"),
        ("* * * foo *", "not a number or a name"), ("@reboot", "unknown schedule name"), ("1,,2 * * * *", "minute"),
    ])
    func refusalsNameTheField(text: String, expected: String) {
        #expect(throws: CronError.self) { try CronExpression(text) }
        do {
            _ = try CronExpression(text)
        } catch {
            #expect(error.description.contains(expected), "\(text): \(error.description)")
        }
    }

    @Test func nextRunsInUTC() throws {
        let cron = try CronExpression("30 9 * * 1-5")
        // Friday 2026-12-04 10:00 → Monday 09:30.
        #expect(local(cron.nextRun(after: at("2026-12-04 10:00", utc), in: utc), utc) == "2026-12-07 09:30 +00:00")
        // Exactly at a run time: the next one, not the same.
        #expect(local(cron.nextRun(after: at("2026-12-07 09:30", utc), in: utc), utc) == "2026-12-08 09:30 +00:00")
        #expect(local(try CronExpression("@hourly").nextRun(after: at("2026-12-31 23:59", utc), in: utc), utc)
            == "2027-01-01 00:00 +00:00")
    }

    @Test func dayOfMonthOrDayOfWeekWhenBothAreRestricted() throws {
        // The 13th, or any Friday.
        let cron = try CronExpression("0 12 13 * fri")
        #expect(local(cron.nextRun(after: at("2026-12-05 00:00", utc), in: utc), utc) == "2026-12-11 12:00 +00:00")
        #expect(local(cron.nextRun(after: at("2026-12-11 12:00", utc), in: utc), utc) == "2026-12-13 12:00 +00:00")
    }

    @Test func leapDayAndImpossibleDates() throws {
        #expect(local(try CronExpression("0 0 29 2 *").nextRun(after: at("2026-03-01 00:00", utc), in: utc), utc)
            == "2028-02-29 00:00 +00:00")
        #expect(try CronExpression("0 0 31 2 *").nextRun(after: at("2026-03-01 00:00", utc), in: utc) == nil)
    }

    @Test func timeZonesReadTheLocalClock() throws {
        let cron = try CronExpression("0 9 * * *")
        #expect(local(cron.nextRun(after: at("2026-12-07 07:00", utc), in: berlin), utc) == "2026-12-07 08:00 +00:00")
        #expect(local(cron.nextRun(after: at("2026-07-07 07:00", utc), in: berlin), utc) == "2026-07-08 07:00 +00:00")
    }

    @Test func aSkippedClockTimeRunsOnceShiftedByTheJump() throws {
        // Berlin, 2026-03-29: 02:00 CET becomes 03:00 CEST; 02:30 does not exist that day.
        let cron = try CronExpression("30 2 * * *")
        let first = cron.nextRun(after: at("2026-03-28 12:00", berlin), in: berlin)
        #expect(local(first, berlin) == "2026-03-29 03:30 +02:00")
        #expect(local(cron.nextRun(after: first!, in: berlin), berlin) == "2026-03-30 02:30 +02:00")
    }

    @Test func aRepeatedClockTimeRunsOnce() throws {
        // Berlin, 2026-10-25: 03:00 CEST becomes 02:00 CET; 02:30 happens twice.
        let cron = try CronExpression("30 2 * * *")
        let first = cron.nextRun(after: at("2026-10-24 12:00", berlin), in: berlin)
        #expect(local(first, berlin) == "2026-10-25 02:30 +02:00")
        #expect(local(cron.nextRun(after: first!, in: berlin), berlin) == "2026-10-26 02:30 +01:00")
        // Every hour through the change: one run per clock hour, none twice.
        let hourly = try CronExpression("30 * * * *")
        var runs: [String] = []
        var instant = at("2026-10-25 00:45", berlin)
        for _ in 0..<4 {
            instant = hourly.nextRun(after: instant, in: berlin)!
            runs.append(local(instant, berlin))
        }
        #expect(runs.count == Set(runs).count)
        #expect(runs.first == "2026-10-25 01:30 +02:00")
    }
}
