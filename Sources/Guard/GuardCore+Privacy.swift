import Foundation

/// `/mydata` and `/forgetme`: a person can see everything stored about them, and have it erased.
extension GuardCore {
    func sendPersonalData(_ request: CommandRequest, changes: inout LedgerChanges, now: Int64) throws {
        let data = try ledger.personalData(userId: request.userId)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let json = String(decoding: try encoder.encode(data), as: UTF8.self)
        changes.outbox.append(reply(ReplyTexts.myDataCaption, chatId: request.chatId, threadId: nil, replyTo: request.messageId, now: now))
        changes.outbox.append(document(
            json, fileName: "gatehouse-data-\(request.userId).json", chatId: request.chatId, replyTo: nil, now: now))
        changes.audit.append(AuditEvent(at: now, userId: request.userId, event: "privacy.export", detail: "/mydata"))
    }

    func forget(_ request: CommandRequest, confirmed: Bool, changes: inout LedgerChanges, now: Int64) throws {
        guard confirmed else {
            changes.outbox.append(reply(ReplyTexts.forgetMeConfirm, chatId: request.chatId, threadId: nil, replyTo: request.messageId, now: now))
            changes.audit.append(AuditEvent(at: now, userId: request.userId, event: "command", detail: "/forgetme (not confirmed)"))
            return
        }
        changes.erasures.append(request.userId)
        // Under no one's name: a new entry under the person would tie them to the log again.
        changes.audit.append(AuditEvent(at: now, userId: nil, event: "privacy.erased", detail: "a person's data was erased on request"))
        changes.outbox.append(reply(ReplyTexts.forgotten, chatId: request.chatId, threadId: nil, replyTo: nil, now: now))
        logger.info("personal data erased on request", metadata: ["user.id": "\(request.userId)"])
    }
}
