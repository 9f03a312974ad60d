/// A five-field cron expression — minute, hour, day of month, month, day of week — or one of the usual names for one
/// (`@hourly`, `@daily`/`@midnight`, `@weekly`, `@monthly`, `@yearly`/`@annually`). Fields take `*`, numbers, ranges
/// `a-b`, steps `*/n` and `a-b/n`, lists `a,b`, and month and weekday names (`jan`, `mon`); 0 and 7 are Sunday.
/// As in Vixie cron, when both the day of month and the day of week are restricted a day matching either runs.
public struct CronExpression: Sendable, Equatable, CustomStringConvertible {
    public let minutes: Set<Int>
    public let hours: Set<Int>
    public let daysOfMonth: Set<Int>
    public let months: Set<Int>
    /// 0 = Sunday … 6 = Saturday.
    public let daysOfWeek: Set<Int>
    let dayOfMonthRestricted: Bool
    let dayOfWeekRestricted: Bool
    /// The text it was parsed from, normalised to single spaces.
    public let description: String

    static let macros: [String: String] = [
        "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *", "@weekly": "0 0 * * 0",
        "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *",
    ]
    static let monthNames = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    static let dayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]

    /// - Throws: `CronError` naming the field and what is wrong with it.
    public init(_ text: String) throws(CronError) {
        let trimmed = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        let expanded: String
        if trimmed.hasPrefix("@") {
            guard let macro = Self.macros[trimmed.lowercased()] else { throw CronError("unknown schedule name \(trimmed)") }
            expanded = macro
        } else {
            expanded = trimmed
        }
        let fields = expanded.split(separator: " ").map { String($0).lowercased() }
        guard fields.count == 5 else {
            throw CronError("a cron expression has 5 fields (minute hour day month weekday), this one has \(fields.count)")
        }
        minutes = try Self.field(fields[0], name: "minute", range: 0...59)
        hours = try Self.field(fields[1], name: "hour", range: 0...23)
        daysOfMonth = try Self.field(fields[2], name: "day of month", range: 1...31)
        months = try Self.field(fields[3], name: "month", range: 1...12, names: Self.monthNames, firstName: 1)
        let weekdays = try Self.field(fields[4], name: "day of week", range: 0...7, names: Self.dayNames, firstName: 0)
        daysOfWeek = Set(weekdays.map { $0 % 7 })
        dayOfMonthRestricted = !fields[2].hasPrefix("*")
        dayOfWeekRestricted = !fields[4].hasPrefix("*")
        description = trimmed
    }

    /// Equal when they run at the same times, however written (`@daily` and `0 0 * * *`).
    public static func == (lhs: CronExpression, rhs: CronExpression) -> Bool {
        lhs.minutes == rhs.minutes && lhs.hours == rhs.hours && lhs.daysOfMonth == rhs.daysOfMonth && lhs.months == rhs.months
            && lhs.daysOfWeek == rhs.daysOfWeek && lhs.dayOfMonthRestricted == rhs.dayOfMonthRestricted
            && lhs.dayOfWeekRestricted == rhs.dayOfWeekRestricted
    }

    /// Whether a calendar day (month 1–12, day 1–31, weekday 0 = Sunday) is one the expression runs on.
    public func matchesDay(month: Int, day: Int, weekday: Int) -> Bool {
        guard months.contains(month) else { return false }
        switch (dayOfMonthRestricted, dayOfWeekRestricted) {
        case (true, true): return daysOfMonth.contains(day) || daysOfWeek.contains(weekday)
        case (true, false): return daysOfMonth.contains(day)
        case (false, true): return daysOfWeek.contains(weekday)
        case (false, false): return true
        }
    }

    private static func field(
        _ text: String, name: String, range: ClosedRange<Int>, names: [String] = [], firstName: Int = 0
    ) throws(CronError) -> Set<Int> {
        func value(_ token: Substring) throws(CronError) -> Int {
            if let number = Int(token) {
                guard range.contains(number) else {
                    throw CronError("\(name) \(number) is out of range \(range.lowerBound)–\(range.upperBound)")
                }
                return number
            }
            if let index = names.firstIndex(of: String(token)) { return index + firstName }
            throw CronError("\(name) \"\(token)\" is not a number\(names.isEmpty ? "" : " or a name")")
        }
        var values = Set<Int>()
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let pieces = part.split(separator: "/", omittingEmptySubsequences: false)
            guard pieces.count <= 2, let base = pieces.first, !base.isEmpty else {
                throw CronError("\(name) \"\(part)\" is not a value, range or step")
            }
            var step = 1
            if pieces.count == 2 {
                guard let parsed = Int(pieces[1]), parsed > 0 else { throw CronError("\(name) step \"\(pieces[1])\" is not a positive number") }
                step = parsed
            }
            let lower: Int
            let upper: Int
            if base == "*" {
                (lower, upper) = (range.lowerBound, range.upperBound)
            } else if let dash = base.firstIndex(of: "-") {
                lower = try value(base[..<dash])
                upper = try value(base[base.index(after: dash)...])
                guard lower <= upper else { throw CronError("\(name) range \(base) runs backwards") }
            } else {
                lower = try value(base)
                // "5/15" means from 5 to the end in steps of 15.
                upper = pieces.count == 2 ? range.upperBound : lower
            }
            values.formUnion(stride(from: lower, through: upper, by: step))
        }
        return values
    }
}

/// Why a cron expression was not accepted, in words for the person who wrote it.
public struct CronError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
