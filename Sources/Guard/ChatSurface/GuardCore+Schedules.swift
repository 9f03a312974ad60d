import Foundation
import Ledger
import Messages
import Schedules
import Validation

/// Scheduled prompts: `/schedule …` in the chat, and every due schedule started as a job of its owner's — under their
/// standing, rate and cost limits, in their workspace — in the same transaction that moves its next run, so a run
/// happens once however the guard stops and starts.
extension GuardCore {
    func carryOutSchedule(
        _ text: String, _ request: CommandRequest, update: InboundUpdate, changes: inout LedgerChanges, now: EpochMillis
    ) throws {
        let userId = request.userId
        let threadId = update.chat?.threadId
        func answer(_ text: String) {
            changes.outbox.append(reply(text, chatId: request.chatId, threadId: threadId, replyTo: request.messageId, now: now))
        }
        func refuse(_ text: String, event: AuditEventName, detail: String) {
            answer(text)
            changes.audit.append(AuditEvent(at: now, userId: userId, event: event, detail: detail))
        }
        let settings = configuration.scheduler
        guard settings.enabled else {
            return refuse(ScheduleTexts.off, event: .commandRefused, detail: "/schedule with the scheduler off")
        }
        let command: ScheduleCommand
        switch ScheduleCommand.parse(text, defaultTimeZone: settings.defaultTimeZone) {
        case .failure(let error):
            return refuse(ScheduleTexts.invalid(error), event: .commandInvalid, detail: "/schedule: \(error)")
        case .success(let parsed):
            command = parsed
        }
        switch command {
        case .list:
            let admin = request.standing.isAdmin
            let listed = try ledger.schedules(ownerId: admin ? nil : userId)
            changes.audit.append(AuditEvent(at: now, userId: userId, event: .command, detail: "/schedule list"))
            answer(ScheduleTexts.list(listed.map { ScheduleBook.describe($0, now: now, showOwner: admin && $0.ownerId != userId) }))
        case .add(let asked):
            if let target = asked.chatId, target != request.chatId, !request.standing.isAdmin {
                return refuse(ScheduleTexts.otherChatAdminsOnly, event: .commandRefused, detail: "/schedule add for chat \(target) by a non-admin")
            }
            let made = ScheduleBook.make(
                asked, id: try newScheduleId(), ownerId: userId, chatId: asked.chatId ?? request.chatId,
                threadId: asked.chatId == nil ? threadId : nil, workspace: try workspace(for: userId, chat: update.chat),
                existing: try ledger.schedules(ownerId: userId).count, configuration: settings, now: now)
            switch made {
            case .failure(let error):
                refuse(ScheduleTexts.invalid(error), event: .commandRefused, detail: "/schedule add: \(error)")
            case .success(let record):
                changes.schedules.append(record)
                changes.audit.append(AuditEvent(at: now, userId: userId, event: .scheduleAdded, detail: Self.auditLine(record)))
                answer(ScheduleTexts.added(record, now: now))
            }
        case .pause(let id), .resume(let id), .remove(let id):
            guard var record = try ledger.schedule(id: id), record.ownerId == userId || request.standing.isAdmin else {
                return refuse(ScheduleTexts.notFound(id), event: .commandInvalid, detail: "/schedule: no schedule \(InputExcerpt.quote(id)) of theirs")
            }
            let event: AuditEventName
            switch command {
            case .pause:
                record.paused = true
                event = .schedulePaused
                answer(ScheduleTexts.paused(record.id))
            case .resume:
                // What it missed while paused is not run now.
                record.paused = false
                record.nextRunAt = ScheduleBook.nextRun(of: record, after: now)
                event = .scheduleResumed
                answer(ScheduleTexts.added(record, now: now))
            default:
                changes.deletedSchedules.append(record.id)
                event = .scheduleRemoved
                answer(ScheduleTexts.removed(record.id))
            }
            if case .remove = command {} else { changes.schedules.append(record) }
            changes.audit.append(AuditEvent(
                at: now, userId: userId, event: event, detail: Self.auditLine(record),
                about: record.ownerId == userId ? nil : record.ownerId))
        }
    }

    /// Starts every schedule that is due, each in its own transaction with the schedule's next time. Called from
    /// the tick, before queued jobs are dispatched.
    func runDueSchedules(now: EpochMillis) throws {
        guard configuration.scheduler.enabled else { return }
        for schedule in try ledger.dueSchedules(now: now) {
            var changes = LedgerChanges()
            switch ScheduleBook.step(schedule, now: now) {
            case .wait:
                continue
            case .broken(let updated, let reason):
                changes.schedules.append(updated)
                changes.audit.append(AuditEvent(
                    at: now, userId: schedule.ownerId, event: .schedulePaused, detail: "\(Self.auditLine(schedule)): \(reason)"))
                changes.outbox.append(notice(ScheduleTexts.broken(schedule.id, reason: reason), for: schedule, now: now))
                logger.error("a schedule does not parse; paused it", metadata: ["schedule.id": "\(schedule.id)", "reason": "\(reason)"])
            case .skip(let updated, let missedAt):
                changes.schedules.append(updated)
                changes.audit.append(AuditEvent(
                    at: now, userId: schedule.ownerId, event: .scheduleSkipped,
                    detail: "\(Self.auditLine(schedule)): missed run due \(missedAt) skipped (missed=skip)"))
            case .run(let updated):
                changes.schedules.append(updated)
                try start(schedule, changes: &changes, now: now)
            }
            try ledger.apply(changes)
        }
    }

    /// A run of `schedule` as a job of its owner's, or the reason it does not run (told to the chat, audited).
    private func start(_ schedule: ScheduleRecord, changes: inout LedgerChanges, now: EpochMillis) throws {
        let owner = schedule.ownerId
        func skip(_ reason: String, text: String) {
            changes.audit.append(AuditEvent(
                at: now, userId: owner, event: .scheduleSkipped, detail: "\(Self.auditLine(schedule)): \(reason)"))
            changes.outbox.append(notice(ScheduleTexts.notRun(schedule.id, because: text), for: schedule, now: now))
        }
        guard try standing(of: owner, now: now).mayUseBot else {
            return skip("its owner may no longer use the bot", text: ScheduleTexts.ownerGone)
        }
        if case .reply(let text, let event, let reason) = try admit(.runPrompt(schedule.prompt), userId: owner, changes: &changes, now: now) {
            return skip("\(event): \(reason)", text: text)
        }
        var job = JobRecord(
            id: Self.newId(), updateId: nil, userId: owner, chatId: schedule.chatId, threadId: schedule.threadId,
            workspace: schedule.workspace, prompt: schedule.prompt, status: .queued, attempt: 0, createdAt: now)
        job.trigger = "schedule \(schedule.id)"
        changes.jobs.append(job)
        changes.outbox.append(notice(ScheduleTexts.starting(schedule), for: schedule, now: now))
        changes.audit.append(AuditEvent(
            at: now, userId: owner, event: .scheduleRun, detail: "\(Self.auditLine(schedule)): job \(job.id)"))
    }

    private func notice(_ text: String, for schedule: ScheduleRecord, now: EpochMillis) -> OutboxRecord {
        reply(text, chatId: schedule.chatId, threadId: schedule.threadId, replyTo: nil, now: now)
    }

    /// A short id people can type, unused so far.
    private func newScheduleId() throws -> String {
        while true {
            let id = String(Self.shortId().prefix(6))
            if try ledger.schedule(id: id) == nil { return id }
        }
    }

    /// What the audit log says of a schedule: never its prompt.
    static func auditLine(_ schedule: ScheduleRecord) -> String {
        "schedule \(schedule.id) \"\(schedule.cron)\" \(schedule.timeZone) chat \(schedule.chatId)"
    }
}
