import Foundation

extension CronExpression {
    /// How far ahead a time is looked for: long enough for the 29th of February on a given weekday.
    static let searchDays = 366 * 8

    /// The first time after `instant` at which the expression runs, reading the clock in `timeZone`; nil when no day
    /// within eight years matches (for example "0 0 31 2 *").
    ///
    /// Daylight saving: a clock time skipped when clocks go forward runs at that time shifted by the jump (02:30
    /// becomes 03:30); a clock time that happens twice when clocks go back runs once, at its first occurrence.
    public func nextRun(after instant: Date, in timeZone: TimeZone) -> Date? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let start = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: instant)
        // Days are stepped from local noon, which every time zone's day has exactly once.
        guard var noon = calendar.date(from: DateComponents(
            year: start.year, month: start.month, day: start.day, hour: 12))
        else { return nil }
        let sortedHours = hours.sorted()
        let sortedMinutes = minutes.sorted()
        for dayIndex in 0..<Self.searchDays {
            if dayIndex > 0 {
                guard let next = calendar.date(byAdding: .day, value: 1, to: noon) else { return nil }
                noon = next
            }
            let day = calendar.dateComponents([.year, .month, .day, .weekday], from: noon)
            guard let year = day.year, let month = day.month, let dayOfMonth = day.day, let weekday = day.weekday,
                matchesDay(month: month, day: dayOfMonth, weekday: weekday - 1)
            else { continue }
            for hour in sortedHours {
                if dayIndex == 0, let startHour = start.hour, hour < startHour { continue }
                for minute in sortedMinutes {
                    guard let candidate = calendar.date(from: DateComponents(
                        year: year, month: month, day: dayOfMonth, hour: hour, minute: minute))
                    else { continue }
                    if candidate > instant { return candidate }
                }
            }
        }
        return nil
    }
}
