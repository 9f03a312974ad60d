import Foundation
import Ledger
import Messages
import Validation

/// Commands the guard carries out itself, and inline buttons. A button's callback data is only a nonce; what it
/// does, for whom and until when is in the ledger, so forged, replayed or someone else's presses do nothing.
extension GuardCore {
    func carryOut(
        _ command: IntakePolicy.Command, update: InboundUpdate, standing: Standing, changes: inout LedgerChanges, now: EpochMillis
    ) throws -> [Outbound] {
        guard let userId = update.sender?.id, let chatId = update.chat?.id else { return [] }
        let request = CommandRequest(userId: userId, chatId: chatId, messageId: update.messageId, standing: standing)
        switch command {
        case .auth(let token):
            authenticate(token, request, changes: &changes, now: now)
            return []
        case .cost:
            try showCosts(request, changes: &changes, now: now)
            return []
        case .myData:
            try sendPersonalData(request, changes: &changes, now: now)
            return []
        case .forgetMe(let confirmed):
            return try forget(request, confirmed: confirmed, changes: &changes, now: now)
        case .users:
            try listPeople(request, changes: &changes, now: now)
            return []
        case .allow(let target):
            try change(target, to: .user, request, changes: &changes, now: now)
            return []
        case .block(let target):
            try change(target, to: .blocked, request, changes: &changes, now: now)
            return []
        case .unblock(let target):
            try change(target, to: nil, request, changes: &changes, now: now)
            return []
        case .newSession, .continueSession, .resume, .cd, .ls, .pwd, .projects, .status, .export, .get, .model, .bind, .git, .actions:
            return try carryOutChat(command, request, update: update, changes: &changes, now: now)
        case .schedule(let text):
            try carryOutSchedule(text, request, update: update, changes: &changes, now: now)
            return []
        case .stop:
            let active = try ledger.jobs(in: [.queued, .dispatched, .running]).filter { $0.userId == userId }
            changes.audit.append(AuditEvent(at: now, userId: userId, event: .command, detail: "/stop (\(active.count) active)"))
            let text = active.isEmpty ? ReplyTexts.nothingToStop : ReplyTexts.stopping(active.count)
            changes.outbox.append(reply(text, chatId: chatId, threadId: update.chat?.threadId, replyTo: update.messageId, now: now))
            var out: [Outbound] = []
            for job in active { out += try stop(job, changes: &changes, now: now) }
            return out
        case .verbose(let level):
            let current = try ledger.preferences(userId: userId)?.verbosity ?? 1
            if let level { changes.preferences.append(PreferencesRecord(userId: userId, verbosity: level)) }
            changes.audit.append(AuditEvent(at: now, userId: userId, event: .command, detail: "/verbose \(level.map(String.init) ?? "")"))
            changes.outbox.append(reply(ReplyTexts.verbosity(level ?? current), chatId: chatId, threadId: update.chat?.threadId,
                                        replyTo: update.messageId, now: now))
            return []
        }
    }

    func press(_ data: String, callbackId: String, update: InboundUpdate, changes: inout LedgerChanges, now: EpochMillis) throws -> [Outbound] {
        let presser = update.sender?.id ?? 0
        let chatId = update.chat?.id ?? presser
        func refuse(_ text: String, _ event: AuditEventName, _ reason: String, about: Int64? = nil) throws -> [Outbound] {
            changes.audit.append(AuditEvent(at: now, userId: presser, event: event, detail: reason, about: about))
            return try answerButton(callbackId, text: text, chatId: chatId)
        }
        guard let nonce = ButtonData.decode(data), var button = try ledger.button(nonce: nonce) else {
            return try refuse(ReplyTexts.buttonExpired, .securityViolation, "forged or unknown button data \(InputExcerpt.quote(data))")
        }
        guard button.usedAt == nil, now < button.expiresAt else {
            return try refuse(ReplyTexts.buttonExpired, .buttonInvalid, "\(button.action.rawValue) button used or expired")
        }
        guard button.userId == presser || configuration.adminUsers.contains(presser) else {
            return try refuse(ReplyTexts.buttonNotYours, .buttonRefused, "\(button.action.rawValue) button of user \(button.userId)", about: button.userId)
        }
        if button.action == .typed {
            // Pressed, it is the person's own message: only they may send it (not even an admin).
            guard button.userId == presser else {
                return try refuse(ReplyTexts.buttonNotYours, .buttonRefused, "typed button of user \(button.userId)", about: button.userId)
            }
            changes.audit.append(AuditEvent(at: now, userId: presser, event: .buttonTyped, detail: InputExcerpt.quote(button.argument ?? "")))
            let out = try sendTyped(button.argument ?? "", update: update, changes: &changes, now: now)
            return try answerButton(callbackId, text: "…", chatId: chatId) + out
        }
        if [.cd, .resume, .model].contains(button.action) {
            // Chat surface buttons belong to no job; only their owner may press them (not even an admin).
            guard button.userId == presser else {
                return try refuse(ReplyTexts.buttonNotYours, .buttonRefused, "\(button.action.rawValue) button of user \(button.userId)", about: button.userId)
            }
            changes.audit.append(AuditEvent(at: now, userId: presser, event: button.action.auditEvent, detail: InputExcerpt.quote(button.argument ?? "")))
            let (text, out) = try pressChatButton(button, update: update, changes: &changes, now: now)
            return try answerButton(callbackId, text: text, chatId: chatId) + out
        }
        guard let job = try ledger.job(id: button.jobId) else {
            return try refuse(ReplyTexts.buttonExpired, .buttonInvalid, "job gone")
        }
        if button.approvalId == nil {
            button.usedAt = now
            changes.buttons.append(button)
        }
        changes.audit.append(AuditEvent(at: now, userId: presser, event: button.action.auditEvent, detail: "job \(job.id)"))
        switch button.action {
        case .stop:
            let out = try stop(job, changes: &changes, now: now)
            return try answerButton(callbackId, text: ReplyTexts.stopping(1), chatId: chatId) + out
        case .allowOnce, .allowSession, .deny, .answer:
            let (text, out) = try answerApproval(button, by: update.sender, changes: &changes, now: now)
            return try answerButton(callbackId, text: text, chatId: chatId) + out
        case .cd, .resume, .model, .typed:
            return []
        case .retry:
            guard job.status == .interrupted, !job.prompt.isEmpty else {
                return try answerButton(callbackId, text: ReplyTexts.retryUnavailable, chatId: chatId)
            }
            var old = job
            old.prompt = ""
            let again = JobRecord(
                id: Self.newId(), updateId: update.updateId, userId: job.userId, chatId: job.chatId,
                threadId: job.threadId, replyToMessageId: job.replyToMessageId, workspace: job.workspace,
                prompt: job.prompt, status: .queued, attempt: 0, createdAt: now)
            changes.jobs += [old, again]
            changes.audit.append(AuditEvent(at: now, userId: presser, event: .requestAccepted, detail: "job \(again.id) retries \(job.id)"))
            return try answerButton(callbackId, text: ReplyTexts.retrying, chatId: chatId)
        }
    }

    /// Stops one job: a queued one ends here (with its one final reply); a dispatched or running one is cancelled on
    /// its executor, whose result then brings the final reply.
    private func stop(_ job: JobRecord, changes: inout LedgerChanges, now: EpochMillis) throws -> [Outbound] {
        switch job.status {
        case .queued:
            var cancelled = job
            cancelled.status = .cancelled
            cancelled.finishedAt = now
            cancelled.outcome = "cancelled"
            cancelled.prompt = ""
            changes.jobs.append(cancelled)
            changes.outbox.append(reply(ReplyTexts.stoppedBeforeStart, chatId: job.chatId, threadId: job.threadId,
                                        replyTo: job.replyToMessageId, jobId: job.id, now: now))
            // Queued again after a dispatch, it may already show its status message.
            statuses.close(job.id)
            return removeStatusMessage(of: job)
        case .dispatched, .running:
            guard let executorId = job.executorId, let peer = executors.members[executorId]?.peer else { return [] }
            logger.info("cancelling a job", metadata: ["job.id": "\(job.id)", "executor.id": "\(executorId)"])
            return [try message(CancelJob(jobId: job.id, reason: "stopped by the user"), on: .work, to: peer)]
        case .done, .interrupted, .cancelled:
            return []
        }
    }
}

/// The callback data of Gatehouse's buttons: "b:" and a nonce, well under Telegram's 64 bytes.
public enum ButtonData {
    public static func encode(_ nonce: String) -> String { "b:" + nonce }

    public static func decode(_ data: String) -> String? {
        guard data.hasPrefix("b:") else { return nil }
        let nonce = data.dropFirst(2)
        guard (8...32).contains(nonce.count), nonce.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else { return nil }
        return String(nonce)
    }
}
