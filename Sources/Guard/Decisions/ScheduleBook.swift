import Foundation
import Ledger
import Messages
import Schedules
import Validation

/// The scheduler's decisions over stored schedules, apart from any I/O: making one from what was asked, moving one
/// on when it is due, and how one reads in a list. Used by the guard's tick, the chat's `/schedule` and the
/// operator's `gatehouse schedule`.
public struct ScheduleBook: Sendable {
    /// Settings (`ENABLE_SCHEDULER`, `SCHEDULE_TIME_ZONE`, `SCHEDULES_PER_PERSON`).
    public struct Configuration: Sendable {
        public var enabled = false
        /// The zone of a schedule made without `tz=`.
        public var defaultTimeZone = TimeZone(identifier: "UTC")!
        /// How many schedules one person may have (administrators too: a cap on accidents, not on rights).
        public var perPersonLimit = 10

        public init() {}
    }

    /// What happens to a due schedule now.
    public enum Step: Sendable, Equatable {
        case wait
        /// Start a run; store `updated` with the job, in one transaction.
        case run(updated: ScheduleRecord)
        /// The due run was missed during downtime and the schedule says skip.
        case skip(updated: ScheduleRecord, missedAt: EpochMillis)
        /// The stored expression or zone no longer parses (edited by hand, or a zone this system lacks): paused.
        case broken(updated: ScheduleRecord, reason: String)
    }

    /// A new schedule, or why not: `existing` is how many the owner has already.
    public static func make(
        _ request: ScheduleRequest, id: String, ownerId: Int64, chatId: Int64, threadId: Int64?, workspace: String,
        existing: Int, configuration: Configuration, now: EpochMillis
    ) -> Result<ScheduleRecord, ScheduleCommandError> {
        guard existing < configuration.perPersonLimit else {
            return .failure(.init(
                "you have \(existing) schedules, the most one person may have (SCHEDULES_PER_PERSON); remove one first"))
        }
        guard let next = request.expression.nextRun(after: Date(epochMillis: now), in: request.timeZone) else {
            return .failure(.init("\(request.expression) never runs (no such day within eight years)"))
        }
        return .success(ScheduleRecord(
            id: id, ownerId: ownerId, chatId: chatId, threadId: threadId, workspace: workspace,
            cron: request.expression.description, timeZone: zoneName(request.timeZone), prompt: request.prompt,
            missed: request.missed.rawValue, nextRunAt: next.epochMillis, createdAt: now))
    }

    /// The next run after `now` (used when a schedule is resumed: what it missed while paused is not run).
    public static func nextRun(of record: ScheduleRecord, after now: EpochMillis) -> EpochMillis? {
        guard let parts = try? parts(of: record) else { return nil }
        return parts.0.nextRun(after: Date(epochMillis: now), in: parts.1)?.epochMillis
    }

    /// What to do with a schedule at `now`.
    public static func step(_ record: ScheduleRecord, now: EpochMillis) -> Step {
        guard !record.paused, let due = record.nextRunAt, due <= now else { return .wait }
        let expression: CronExpression
        let zone: TimeZone
        let missed: MissedRunPolicy
        do {
            (expression, zone, missed) = try parts(of: record)
        } catch {
            var updated = record
            updated.paused = true
            return .broken(updated: updated, reason: error.description)
        }
        var updated = record
        switch ScheduleTiming(expression: expression, timeZone: zone, missed: missed)
            .verdict(due: Date(epochMillis: due), now: Date(epochMillis: now))
        {
        case .wait:
            return .wait
        case .run(let next):
            updated.nextRunAt = next?.epochMillis
            updated.lastRunAt = now
            updated.runs += 1
            return .run(updated: updated)
        case .skipMissed(let next):
            updated.nextRunAt = next?.epochMillis
            return .skip(updated: updated, missedAt: due)
        }
    }

    /// One line of `/schedule list`.
    public static func describe(_ record: ScheduleRecord, now: EpochMillis, showOwner: Bool) -> String {
        var line = "\(record.id): \(record.cron) (\(record.timeZone))"
        if record.paused {
            line += ", paused"
        } else if let next = record.nextRunAt {
            line += ", next in \(ChatText.age(max(0, next - now)))"
        } else {
            line += ", never again"
        }
        if showOwner { line += ", by \(record.ownerId) for chat \(record.chatId)" }
        line += ", \(record.runs) run\(record.runs == 1 ? "" : "s")\n    " + InputExcerpt.quote(record.prompt)
        return line
    }

    /// A zone's name as people write it: Foundation on Linux names UTC "GMT".
    static func zoneName(_ zone: TimeZone) -> String {
        zone.identifier == "GMT" ? "UTC" : zone.identifier
    }

    static func parts(of record: ScheduleRecord) throws(ScheduleCommandError) -> (CronExpression, TimeZone, MissedRunPolicy) {
        let expression: CronExpression
        do {
            expression = try CronExpression(record.cron)
        } catch {
            throw ScheduleCommandError("its time \"\(record.cron)\" does not parse: \(error)")
        }
        guard let zone = TimeZone(identifier: record.timeZone) else {
            throw ScheduleCommandError("its time zone \(record.timeZone) is unknown on this system")
        }
        return (expression, zone, MissedRunPolicy(rawValue: record.missed) ?? .run)
    }
}
