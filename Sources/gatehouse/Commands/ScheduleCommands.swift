import ArgumentParser
import Foundation
import Guard
import Ledger
import Messages
import Schedules

/// `gatehouse schedule`: the operator's view of scheduled prompts (the chat has `/schedule`). Changes are written to
/// the guard's database; a running guard picks them up at its next tick.
struct SchedulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schedule", abstract: "List, add, pause, resume or remove scheduled prompts.",
        subcommands: [List.self, Add.self, Pause.self, Resume.self, Remove.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "Every schedule, with its next run.")
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            let ledger = try database.open()
            let schedules = try ledger.schedules(ownerId: nil)
            if schedules.isEmpty { print("No schedules.") }
            for schedule in schedules {
                var line = "\(schedule.id)\towner \(schedule.ownerId)\tchat \(schedule.chatId)\t\(schedule.cron) (\(schedule.timeZone))"
                line += schedule.paused ? "\tpaused" : "\tnext \(schedule.nextRunAt.map(OperatorClock.format) ?? "never")"
                line += "\tmissed=\(schedule.missed)\t\(schedule.runs) runs\tdirectory /\(schedule.workspace)"
                print(line)
            }
            if !schedules.isEmpty && ProcessInfo.processInfo.environment["ENABLE_SCHEDULER"] == nil {
                print("Note: schedules run only while the guard has ENABLE_SCHEDULER=true.")
            }
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Schedule a prompt for someone, answered in a chat.",
            discussion: "Example: gatehouse schedule add --owner 123456789 --chat 123456789 '0 9 * * 1-5' 'Summarise the open pull requests'")
        @Option(help: "Whose prompt it is: their limits and standing apply (a Telegram user id).") var owner: Int64
        @Option(help: "Where the answers go (a chat id; the owner's private chat is their user id).") var chat: Int64
        @Option(help: "The directory it runs in, relative to APPROVED_DIRECTORY (default: the owner's root).") var directory: String?
        @Option(help: "An IANA time zone (default: SCHEDULE_TIME_ZONE, or UTC).") var tz: String?
        @Option(help: "After downtime: run a missed run once (run), or skip it (skip).") var missed = "run"
        @Argument(help: "Five cron fields in one argument, or @hourly, @daily, @weekly, @monthly, @yearly.") var when: String
        @Argument(help: "The prompt.") var prompt: String
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            let environment = ProgramEnvironment()
            let settings = environment.schedulerConfiguration()
            let cipher = environment.dataCipher()
            let workspaces = Workspaces(
                approvedDirectory: "", mode: environment.workspaceMode(), admins: environment.reader.userIds("ADMIN_USERS"))
            try environment.reader.finish()
            let expression: CronExpression
            do {
                expression = try CronExpression(when)
            } catch {
                throw ValidationError("\(error)")
            }
            var zone = settings.defaultTimeZone
            if let tz {
                guard let named = TimeZone(identifier: tz) else { throw ValidationError("unknown time zone \(tz)") }
                zone = named
            }
            guard let policy = MissedRunPolicy(rawValue: missed) else { throw ValidationError("--missed takes run or skip") }
            let request = ScheduleRequest(expression: expression, timeZone: zone, missed: policy, chatId: chat, prompt: prompt)
            let ledger = try SQLiteLedger(path: try database.path(), cipher: cipher)
            let workspace = directory.map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "/")) }
                ?? workspaces.workspace(of: owner, directory: "")
            guard !workspace.split(separator: "/").contains("..") else { throw ValidationError("--directory must stay inside APPROVED_DIRECTORY") }
            let now = OperatorClock.now()
            var id = ""
            repeat { id = String(UUID().uuidString.lowercased().filter(\.isHexDigit).prefix(6)) } while try ledger.schedule(id: id) != nil
            // The operator is not limited by the per-person cap.
            var unlimited = settings
            unlimited.perPersonLimit = .max
            switch ScheduleBook.make(
                request, id: id, ownerId: owner, chatId: chat, threadId: nil, workspace: workspace, existing: 0,
                configuration: unlimited, now: now)
            {
            case .failure(let error):
                throw ValidationError("\(error)")
            case .success(let record):
                var changes = LedgerChanges()
                changes.schedules = [record]
                changes.audit = [AuditEvent(at: now, userId: nil, event: .scheduleAdded, detail: "operator: schedule \(id) \"\(record.cron)\" \(record.timeZone) chat \(chat) owner \(owner)")]
                try ledger.apply(changes)
                print("Schedule \(id): \(record.cron) (\(record.timeZone)), next run \(record.nextRunAt.map(OperatorClock.format) ?? "never").")
            }
        }
    }

    struct Pause: ScheduleChange {
        static let configuration = CommandConfiguration(abstract: "Stop a schedule from running until it is resumed.")
        static let change = Change.pause
        @Argument(help: "The schedule's id (see list).") var id: String
        @OptionGroup var database: DatabaseOptions
    }

    struct Resume: ScheduleChange {
        static let configuration = CommandConfiguration(abstract: "Run a paused schedule again, from its next time.")
        static let change = Change.resume
        @Argument(help: "The schedule's id (see list).") var id: String
        @OptionGroup var database: DatabaseOptions
    }

    struct Remove: ScheduleChange {
        static let configuration = CommandConfiguration(abstract: "Delete a schedule.")
        static let change = Change.remove
        @Argument(help: "The schedule's id (see list).") var id: String
        @OptionGroup var database: DatabaseOptions
    }

    enum Change: String {
        case pause, resume, remove

        /// What the audit log calls it, as the chat's `/schedule pause|resume|remove` do.
        var auditEvent: AuditEventName {
            switch self {
            case .pause: .schedulePaused
            case .resume: .scheduleResumed
            case .remove: .scheduleRemoved
            }
        }
    }
}

/// One change of a schedule from the command line. The prompt is neither read nor rewritten in the clear: the
/// record is stored back as it was read (sealed or not).
protocol ScheduleChange: ParsableCommand {
    static var change: SchedulesCommand.Change { get }
    var id: String { get }
    var database: DatabaseOptions { get }
}

extension ScheduleChange {
    func run() throws {
        let ledger = try database.open()
        guard var record = try ledger.schedule(id: id) else { throw ValidationError("no schedule \(id) (see gatehouse schedule list)") }
        let now = OperatorClock.now()
        var changes = LedgerChanges()
        switch Self.change {
        case .pause:
            record.paused = true
            changes.schedules = [record]
        case .resume:
            record.paused = false
            record.nextRunAt = ScheduleBook.nextRun(of: record, after: now)
            changes.schedules = [record]
        case .remove:
            changes.deletedSchedules = [record.id]
        }
        changes.audit = [AuditEvent(at: now, userId: nil, event: Self.change.auditEvent, detail: "operator: schedule \(record.id)", about: record.ownerId)]
        try ledger.apply(changes)
        print("Schedule \(record.id) \(Self.change == .remove ? "removed" : Self.change == .pause ? "paused" : "resumed").")
    }
}
