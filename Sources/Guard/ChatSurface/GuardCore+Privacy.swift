import Foundation
import Ledger
import Messages

/// `/mydata` and `/forgetme`: a person can see everything stored about them, and have it erased.
extension GuardCore {
    /// One JSON document of every stored row about the person, decrypted, with a summary in words; the summary is
    /// also the message before it (the outbox keeps the order in which one decision stored its replies).
    func sendPersonalData(_ request: CommandRequest, changes: inout LedgerChanges, now: EpochMillis) throws {
        var data = try ledger.personalData(userId: request.userId)
        data.summary = PersonalDataSummary.text(of: data)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let json = String(decoding: try encoder.encode(data), as: UTF8.self)
        changes.outbox.append(reply(
            ReplyTexts.myDataCaption + "\n\n" + data.summary, chatId: request.chatId, threadId: nil, replyTo: request.messageId,
            now: now))
        changes.outbox.append(document(
            json, fileName: "gatehouse-data-\(request.userId).json", chatId: request.chatId, replyTo: nil, now: now))
        changes.audit.append(AuditEvent(at: now, userId: request.userId, event: .privacyExport, detail: "/mydata"))
    }

    /// Erases the person (`SQLiteLedger`'s erasure says what goes and what stays, unlinked). Their running jobs are
    /// stopped and forgotten: a result that comes later finds no job and is only acknowledged.
    func forget(_ request: CommandRequest, confirmed: Bool, changes: inout LedgerChanges, now: EpochMillis) throws -> [Outbound] {
        guard confirmed else {
            changes.outbox.append(reply(ReplyTexts.forgetMeConfirm, chatId: request.chatId, threadId: nil, replyTo: request.messageId, now: now))
            changes.audit.append(AuditEvent(at: now, userId: request.userId, event: .command, detail: "/forgetme (not confirmed)"))
            return []
        }
        var out: [Outbound] = []
        for job in try ledger.jobs(in: [.dispatched, .running]) where job.userId == request.userId {
            executors.release(jobId: job.id)
            statuses.close(job.id)
            if let executorId = job.executorId, let peer = executors.members[executorId]?.peer {
                out.append(try message(CancelJob(jobId: job.id, reason: "the person asked to be forgotten"), on: .work, to: peer))
            }
        }
        approvals.forget(userId: request.userId)
        changes.erasures.append(request.userId)
        // Under no one's name: a new entry under the person would tie them to the log again.
        changes.audit.append(AuditEvent(at: now, userId: nil, event: .privacyErased, detail: "a person's data was erased on request"))
        // The confirmation is the one row left in their chat, and it goes too once Telegram has answered.
        var done = reply(ReplyTexts.forgotten, chatId: request.chatId, threadId: nil, replyTo: nil, now: now)
        done.kind = OutboxKind.ephemeral
        changes.outbox.append(done)
        logger.info("personal data erased on request")
        return out
    }
}
