import Foundation
import Ledger
import Messages

/// Walk, step 4 of 4 — replies leave: the outbox is handed to egress one reply per chat at a time and re-sent until
/// confirmed; status messages, typing and button answers are best effort. Also the builders of outbox entries.
extension GuardCore {
    func receiveDelivery(_ envelope: Envelope, from peer: Data) throws -> [Outbound] {
        let now = clock.now()
        switch envelope.type {
        case .egressReady:
            let ready = try WireCodec.decode(EgressReady.self, from: envelope)
            egress.register(egressId: ready.egressId, peer: peer, capacity: ready.capacity, now: now)
            logger.info("egress registered", metadata: ["egress.id": "\(ready.egressId)"])
            return [try heartbeat(on: .delivery, to: peer, registered: true)] + (try pumpOutbox())
                + (try sendPendingStatusMessages())
        case .heartbeat:
            let known = egress.touch(peer: peer, now: now)
            return [try heartbeat(on: .delivery, to: peer, registered: known)]
        case .deliveryResult:
            egress.touch(peer: peer, now: now)
            let result = try WireCodec.decode(DeliveryResult.self, from: envelope)
            try noteTelegram(result, now: now)
            if let jobId = StatusMessage.jobId(fromDeliveryId: result.deliveryId) {
                return try recordStatusMessage(jobId: jobId, result: result)
            }
            try record(result, now: now)
            return try pumpOutbox()
        default:
            logger.warning("unexpected message on delivery", metadata: ["type": "\(envelope.type.rawValue)"])
            return []
        }
    }

    /// Whether Telegram works as a whole, from each result: an outage is logged once when it starts, and when a
    /// reply goes through again every admin is told how long replies were held (none was dropped).
    private func noteTelegram(_ result: DeliveryResult, now: EpochMillis) throws {
        if result.status == .sent, let outage = telegramOutage {
            telegramOutage = nil
            let downMs = now - outage.since
            logger.notice("Telegram works again; held replies are being delivered", metadata: [
                "down.ms": "\(downMs)", "outage": "\(outage.kind.rawValue)", "held.count": "\(outage.held.count)",
            ])
            var changes = LedgerChanges()
            try tellAdmins(
                ReplyTexts.telegramWorksAgain(downMs: downMs, kind: outage.kind, held: outage.held.count), changes: &changes, now: now)
            changes.audit.append(AuditEvent(
                at: now, userId: nil, event: .deliveryOutageEnded,
                detail: "\(outage.kind.rawValue) for \(downMs) ms; \(outage.held.count) replies held, none dropped"))
            try ledger.apply(changes)
            return
        }
        let (outage, started) = DeliveryOutage.noting(result, during: telegramOutage, now: now)
        telegramOutage = outage
        if started, let outage {
            logger.error("replies are held: \(outage.problem(now: now))", metadata: ["error": "\(result.error ?? "-")"])
        }
    }

    private func record(_ result: DeliveryResult, now: EpochMillis) throws {
        deliveries.answered(result.deliveryId)
        guard var entry = try ledger.outbox(id: result.deliveryId), entry.status == .pending else { return }
        var changes = LedgerChanges()
        switch result.status {
        case .sent:
            entry.status = .sent
            entry.sentAt = now
            Self.recordHop("reply", ms: now - entry.createdAt)
            entry.telegramMessageIds = result.telegramMessageIds.map(String.init).joined(separator: ",")
            // A file's content is the person's now; keeping it would only keep a copy.
            if [.document, .photo].contains(OutboxKind.deliveryKind(entry.kind)) { entry.text = "" }
            logger.info("reply delivered", metadata: ["delivery.id": "\(entry.id)", "chat.id": "\(entry.chatId)"])
        case .rejected:
            // Only Telegram's definitive answer about this one reply ends it (egress: `TelegramFailureScope`).
            entry.status = .rejected
            entry.lastError = result.error
            logger.warning("reply refused for good by Telegram", metadata: [
                "delivery.id": "\(entry.id)", "chat.id": "\(entry.chatId)", "error": "\(result.error ?? "-")",
            ])
            // A private chat's id is its person's: the entry goes under their pseudonym (not for an erased
            // person's last reply, which would tie them to the log again).
            let person = entry.chatId > 0 && entry.kind != OutboxKind.ephemeral ? entry.chatId : nil
            changes.audit.append(AuditEvent(
                at: now, userId: person, event: .deliveryRejected,
                detail: "reply \(person == nil ? "-" : entry.id) not delivered: \(result.error ?? "refused")"))
        case .retry:
            let backoff = min(60_000, 1_000 * Int64(1 << min(entry.attempts, 6)))
            entry.nextAttemptAt = now + max(result.retryAfterMs ?? 0, backoff)
            entry.lastError = result.error
        }
        if entry.kind == OutboxKind.ephemeral && entry.status != .pending {
            changes.deletedOutbox.append(entry.id)
        } else {
            changes.outbox.append(entry)
        }
        try ledger.apply(changes)
    }

    /// Hands due outbox entries to egress: at most one in flight per chat, so a chat's replies arrive in order.
    func pumpOutbox() throws -> [Outbound] {
        guard egress.hasCapacity(inFlight: deliveries.count) else { return [] }
        let now = clock.now()
        var busyChats = deliveries.busyChats
        var out: [Outbound] = []
        var updated: [OutboxRecord] = []
        for var entry in try ledger.dueOutbox(now: now, limit: 200) {
            guard !deliveries.isInFlight(entry.id), !busyChats.contains(entry.chatId) else { continue }
            guard let peer = egress.pick(deliveries) else { break }
            let buttons = entry.buttons.flatMap { try? JSONDecoder().decode([[Delivery.Button]].self, from: Data($0.utf8)) }
            var delivery = Delivery(
                deliveryId: entry.id, kind: OutboxKind.deliveryKind(entry.kind), chatId: entry.chatId,
                threadId: entry.threadId, replyToMessageId: entry.replyToMessageId, text: entry.text,
                format: Delivery.Format(rawValue: entry.format) ?? .plain, buttons: buttons,
                targetMessageId: entry.targetMessageId, jobId: entry.jobId)
            delivery.fileName = entry.fileName
            delivery.updateId = try entry.jobId.flatMap { try ledger.job(id: $0)?.updateId }
            if entry.kind == OutboxKind.binaryDocument || entry.kind == OutboxKind.photo {
                delivery.fileData = Data(base64Encoded: entry.text) ?? Data()
                delivery.text = nil
            }
            out.append(try message(delivery, on: .delivery, to: peer))
            deliveries.sent(entry.id, to: peer, chatId: entry.chatId, now: now)
            busyChats.insert(entry.chatId)
            entry.attempts += 1
            entry.nextAttemptAt = now + configuration.timing.deliveryTimeoutMs
            updated.append(entry)
        }
        if !updated.isEmpty { try ledger.apply(LedgerChanges(outbox: updated)) }
        return out
    }

    /// Replies handed to an egress that is gone are due again at once, for the next egress.
    func releaseDeliveries(of peer: Data, now: EpochMillis) throws {
        var due: [OutboxRecord] = []
        for id in deliveries.release(peer: peer) {
            if var entry = try ledger.outbox(id: id), entry.status == .pending {
                entry.nextAttemptAt = now
                due.append(entry)
            }
        }
        if !due.isEmpty { try ledger.apply(LedgerChanges(outbox: due)) }
    }

    /// `typing` for every running job, repeated every `typingIntervalMs` (Telegram shows it for about 5 s).
    func typingActions(now: EpochMillis) throws -> [Outbound] {
        var out: [Outbound] = []
        for job in try ledger.jobs(in: [.running]) {
            guard statuses.typingDue(job.id, now: now, intervalMs: configuration.timing.typingIntervalMs) else { continue }
            guard let typing = try typing(for: job, now: now) else { break }
            out.append(typing)
        }
        return out
    }

    /// `typing` in the job's chat now, if an egress can take it.
    func typing(for job: JobRecord, now: EpochMillis) throws -> Outbound? {
        guard let peer = egress.pick(deliveries) else { return nil }
        statuses.typed(job.id, now: now)
        return try message(Delivery(
            deliveryId: "typing-\(job.id)-\(now)", kind: .chatAction, chatId: job.chatId, threadId: job.threadId,
            chatAction: "typing"), on: .delivery, to: peer)
    }

    /// Sends status messages owed to dispatched and running jobs as soon as an egress can take them.
    func sendPendingStatusMessages() throws -> [Outbound] {
        var out: [Outbound] = []
        let now = clock.now()
        for jobId in statuses.unsent {
            guard let peer = egress.pick(deliveries) else { break }
            guard let job = try ledger.job(id: jobId), job.status == .dispatched || job.status == .running || (job.restarts > 0 && !job.status.isFinal) else {
                statuses.drop(jobId)
                continue
            }
            guard let status = statuses.sent(jobId, now: now) else { continue }
            out.append(try message(Delivery(
                deliveryId: StatusMessage.deliveryId(jobId: job.id), kind: .message, chatId: job.chatId,
                threadId: job.threadId, text: status.shownText, buttons: stopButton(status.stopNonce), jobId: job.id, priority: .progress),
                on: .delivery, to: peer))
        }
        return out
    }

    /// Edits status messages whose content changed (or whose elapsed time is stale), no more often than allowed.
    func statusEdits(now: EpochMillis) throws -> [Outbound] {
        var out: [Outbound] = []
        for edit in statuses.due(at: now) {
            guard let peer = egress.pick(deliveries), let job = try ledger.job(id: edit.jobId) else { continue }
            statuses.edited(edit, now: now)
            out.append(try message(Delivery(
                deliveryId: "edit-\(edit.jobId)-\(now)", kind: .editMessage, chatId: job.chatId, threadId: job.threadId,
                text: edit.text, buttons: stopButton(edit.stopNonce), targetMessageId: edit.messageId, jobId: edit.jobId,
                priority: .progress), on: .delivery, to: peer))
        }
        return out
    }

    private func stopButton(_ nonce: String) -> [[Delivery.Button]] {
        [[Delivery.Button(text: "Stop", callbackData: ButtonData.encode(nonce))]]
    }

    private func recordStatusMessage(jobId: String, result: DeliveryResult) throws -> [Outbound] {
        guard result.status == .sent, let messageId = result.telegramMessageIds.first,
            var job = try ledger.job(id: jobId)
        else { return [] }
        job.statusMessageId = messageId
        statuses.shown(jobId, messageId: messageId)
        try ledger.apply(LedgerChanges(jobs: [job]))
        // The job may have ended before Telegram even showed its status message.
        return job.status.isFinal ? removeStatusMessage(of: job) : []
    }

    /// Removes the job's status message after its answer: as progress, so that egress sends it only after every
    /// answer waiting in that chat and never with a token an answer needs.
    func removeStatusMessage(of job: JobRecord) -> [Outbound] {
        guard let messageId = job.statusMessageId, let peer = egress.pick(deliveries),
            let out = try? message(Delivery(
                deliveryId: "delete-\(job.id)", kind: .deleteMessage, chatId: job.chatId, targetMessageId: messageId,
                jobId: job.id, priority: .progress), on: .delivery, to: peer)
        else { return [] }
        return [out]
    }

    func answerButton(_ callbackId: String, text: String, chatId: Int64) throws -> [Outbound] {
        guard let peer = egress.pick(deliveries) else { return [] }
        return [try message(Delivery(
            deliveryId: "answer-\(callbackId)", kind: .answerCallback, chatId: chatId, text: text,
            callbackQueryId: callbackId), on: .delivery, to: peer)]
    }

    func expireEgress(now: EpochMillis) throws {
        for peer in egress.expire(now: now, timeout: configuration.timing.peerTimeoutMs) {
            try releaseDeliveries(of: peer, now: now)
        }
        deliveries.expired(at: now, timeout: configuration.timing.deliveryTimeoutMs)
    }

    /// A final reply, stored in the outbox.
    func reply(
        _ text: String, format: Delivery.Format = .plain, chatId: Int64, threadId: Int64?, replyTo: Int64?,
        jobId: String? = nil, buttons: [[Delivery.Button]]? = nil, now: EpochMillis
    ) -> OutboxRecord {
        let encodedButtons = buttons.flatMap { try? JSONEncoder().encode($0) }.map { String(decoding: $0, as: UTF8.self) }
        return OutboxRecord(
            id: Self.newId(), jobId: jobId, chatId: chatId, threadId: threadId, replyToMessageId: replyTo, text: text,
            format: format.rawValue, status: .pending, attempts: 0, nextAttemptAt: now, createdAt: now,
            buttons: encodedButtons)
    }

    /// A file sent to the chat (e.g. `/mydata`), stored in the outbox like a reply.
    func document(_ content: String, fileName: String, chatId: Int64, replyTo: Int64?, now: EpochMillis) -> OutboxRecord {
        var entry = reply(content, chatId: chatId, threadId: nil, replyTo: replyTo, now: now)
        entry.kind = OutboxKind.document
        entry.fileName = fileName
        return entry
    }

    /// Removes a message from the chat (one holding a token), re-sent until egress confirms like a reply.
    func deletion(of messageId: Int64, chatId: Int64, now: EpochMillis) -> OutboxRecord {
        var entry = reply("", chatId: chatId, threadId: nil, replyTo: nil, now: now)
        entry.kind = OutboxKind.delete
        entry.targetMessageId = messageId
        return entry
    }

    /// A binary file for the chat (`/get`): its bytes travel base64 in the outbox (sealed at rest like every reply).
    func file(_ data: Data, fileName: String, chatId: Int64, replyTo: Int64?, now: EpochMillis) -> OutboxRecord {
        var entry = document(data.base64EncodedString(), fileName: fileName, chatId: chatId, replyTo: replyTo, now: now)
        entry.kind = OutboxKind.binaryDocument
        return entry
    }
}
