import Foundation
import Ledger
import Messages

/// The status message of a running job: "Working on it…" with a Stop button, edited to show what Claude is doing.
/// Edits are coalesced here (at most one per job every 1.5 s, none when nothing changed) and paced again in egress.
struct StatusState {
    var stopNonce: String
    var verbosity: Int
    var startedAt: Int64
    var sent = false
    var messageId: Int64?
    var lines: [String] = []
    var shownText: String?
    var dirty = false
    var lastEditAt: Int64 = 0

    static let maxLines = 6
    static let editIntervalMs: Int64 = 1_500
    /// Elapsed time is refreshed this often even when nothing else changes.
    static let refreshIntervalMs: Int64 = 15_000

    func text(now: Int64) -> String {
        let seconds = max(0, (now - startedAt) / 1000)
        let elapsed = seconds < 60 ? "\(seconds)s" : "\(seconds / 60)m \(String(format: "%02d", seconds % 60))s"
        return ([ReplyTexts.working + " (\(elapsed))"] + lines).joined(separator: "\n")
    }
}

extension GuardCore {
    func noteProgress(_ progress: JobProgress) {
        guard var status = statuses[progress.jobId], status.verbosity > 0 else { return }
        let line: String
        switch progress.kind {
        case .toolUse:
            let tool = progress.toolName ?? "tool"
            line = progress.summary.isEmpty ? "• \(tool)" : "• \(tool): \(progress.summary)"
        case .assistantText where status.verbosity >= 2:
            guard !progress.summary.isEmpty else { return }
            line = "💬 \(progress.summary)"
        case .retrying:
            line = "• waiting for the API (\(progress.summary))"
        case .assistantText, .toolResult:
            return
        }
        status.lines.append(line)
        if status.lines.count > StatusState.maxLines { status.lines.removeFirst(status.lines.count - StatusState.maxLines) }
        status.dirty = true
        statuses[progress.jobId] = status
    }

    /// A job's status message and its Stop button, made when the job is first dispatched (the moment it starts
    /// working for the person: right after the commit when nothing of theirs is running), so that the person sees
    /// it at once rather than after the CLI has started. The button is stored with `changes`.
    func makeStatus(for job: JobRecord, changes: inout LedgerChanges, now: Int64) throws {
        let stop = ButtonRecord(
            nonce: Self.shortId(), action: .stop, jobId: job.id, userId: job.userId, chatId: job.chatId, createdAt: now,
            expiresAt: now + Int64(configuration.claude.timeoutSeconds + 600) * 1000)
        changes.buttons.append(stop)
        let verbosity = try ledger.preferences(userId: job.userId)?.verbosity ?? 1
        statuses[job.id] = StatusState(stopNonce: stop.nonce, verbosity: verbosity, startedAt: now)
    }

    /// Sends status messages owed to dispatched and running jobs as soon as an egress can take them.
    func sendPendingStatusMessages() throws -> [Outbound] {
        var out: [Outbound] = []
        let now = clock.now()
        for jobId in statuses.keys.sorted() where statuses[jobId]?.sent == false {
            guard let peer = egress.pick(inFlight: inFlight), var status = statuses[jobId] else { break }
            guard let job = try ledger.job(id: jobId), job.status == .dispatched || job.status == .running || (job.restarts > 0 && !job.status.isFinal) else {
                statuses[jobId] = nil
                continue
            }
            status.sent = true
            status.dirty = false
            status.lastEditAt = now
            status.shownText = status.text(now: now)
            statuses[jobId] = status
            out.append(try message(Delivery(
                deliveryId: StatusMessage.deliveryId(jobId: job.id), kind: .message, chatId: job.chatId,
                threadId: job.threadId, text: status.shownText, buttons: stopButton(status), jobId: job.id, priority: .progress),
                on: .delivery, to: peer))
        }
        return out
    }

    /// Edits status messages whose content changed (or whose elapsed time is stale), no more often than allowed.
    func statusEdits(now: Int64) throws -> [Outbound] {
        var out: [Outbound] = []
        for (jobId, var status) in statuses {
            guard let messageId = status.messageId, now - status.lastEditAt >= StatusState.editIntervalMs else { continue }
            guard status.dirty || now - status.lastEditAt >= StatusState.refreshIntervalMs else { continue }
            let text = status.text(now: now)
            guard text != status.shownText, let peer = egress.pick(inFlight: inFlight),
                let job = try ledger.job(id: jobId)
            else { continue }
            status.dirty = false
            status.lastEditAt = now
            status.shownText = text
            statuses[jobId] = status
            out.append(try message(Delivery(
                deliveryId: "edit-\(jobId)-\(now)", kind: .editMessage, chatId: job.chatId, threadId: job.threadId,
                text: text, buttons: stopButton(status), targetMessageId: messageId, jobId: jobId, priority: .progress),
                on: .delivery, to: peer))
        }
        return out
    }

    private func stopButton(_ status: StatusState) -> [[Delivery.Button]] {
        [[Delivery.Button(text: "Stop", callbackData: ButtonData.encode(status.stopNonce))]]
    }
}
