import Ledger
import Messages
import Schedules
import Validation

/// What `/schedule` and scheduled runs say in the chat.
enum ScheduleTexts {
    static let off = "Scheduled tasks are off on this bot (the operator enables them with ENABLE_SCHEDULER=true)."

    static func invalid(_ error: ScheduleCommandError) -> String {
        "That schedule was not taken: \(error).\n\n\(ScheduleCommand.usage)"
    }

    static let otherChatAdminsOnly = "Only administrators may schedule for another chat; leave out chat= to schedule here."

    static func notFound(_ id: String) -> String {
        "You have no schedule \(InputExcerpt.quote(id)). Send /schedule list to see yours."
    }

    static func list(_ lines: [String]) -> String {
        lines.isEmpty
            ? "No schedules. Add one with /schedule add <when> <prompt>, e.g. /schedule add @daily Summarise yesterday's commits."
            : "Schedules:\n" + lines.joined(separator: "\n")
    }

    static func added(_ record: ScheduleRecord, now: EpochMillis) -> String {
        let next = record.nextRunAt.map { "next run in \(ChatText.age(max(0, $0 - now)))" } ?? "it never runs again"
        return "Schedule \(record.id): \(record.cron) (\(record.timeZone)), \(next). Pause it with /schedule pause \(record.id)."
    }

    static func paused(_ id: String) -> String { "Schedule \(id) paused. /schedule resume \(id) starts it again." }
    static func removed(_ id: String) -> String { "Schedule \(id) removed." }

    static func starting(_ record: ScheduleRecord) -> String {
        "Scheduled task \(record.id) (\(record.cron)): \(InputExcerpt.quote(record.prompt, limit: 200))"
    }

    static func notRun(_ id: String, because text: String) -> String {
        "Scheduled task \(id) did not run: \(text)"
    }

    static let ownerGone = "the person who scheduled it may no longer use this bot."

    static func broken(_ id: String, reason: String) -> String {
        "Scheduled task \(id) is paused: \(reason). Remove it and add it again."
    }
}
