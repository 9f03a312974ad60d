import Foundation
import Messages

/// The status message of a running job: "Working on it…" with a Stop button, edited to show what Claude is doing
/// (what it shows and when it is due an edit: `StatusBook`).
extension GuardCore {
    /// A job's status message and its Stop button, made when the job is first dispatched (the moment it starts
    /// working for the person: right after the commit when nothing of theirs is running), so that the person sees
    /// it at once rather than after the CLI has started. The button is stored with `changes`.
    func makeStatus(for job: JobRecord, changes: inout LedgerChanges, now: Int64) throws {
        let stop = ButtonRecord(
            nonce: Self.shortId(), action: .stop, jobId: job.id, userId: job.userId, chatId: job.chatId, createdAt: now,
            expiresAt: now + Int64(configuration.claude.timeoutSeconds + 600) * 1000)
        changes.buttons.append(stop)
        let verbosity = try ledger.preferences(userId: job.userId)?.verbosity ?? 1
        statuses.open(jobId: job.id, stopNonce: stop.nonce, verbosity: verbosity, now: now)
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
    func statusEdits(now: Int64) throws -> [Outbound] {
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
}
