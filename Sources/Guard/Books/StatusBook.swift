import Foundation
import Messages

/// The "working…" message of each running job (its Stop button, Telegram id and the progress it shows) and when
/// each job's chat was last shown `typing`. Pure state: the core feeds it progress and the time, and asks it which
/// status messages are owed, which are due an edit, and whether a chat is due `typing` again.
/// Edits are coalesced here (at most one per job every 1.5 s, none when nothing changed) and paced again in egress.
struct StatusBook: Sendable {
    struct Status: Sendable, Equatable {
        var stopNonce: String
        var verbosity: Int
        var startedAt: EpochMillis
        var sent = false
        var messageId: Int64?
        var lines: [String] = []
        var shownText: String?
        var dirty = false
        var lastEditAt: EpochMillis = 0

        func text(now: EpochMillis) -> String {
            let seconds = max(0, (now - startedAt) / 1000)
            let elapsed = seconds < 60 ? "\(seconds)s" : "\(seconds / 60)m \(String(format: "%02d", seconds % 60))s"
            return ([ReplyTexts.working + " (\(elapsed))"] + lines).joined(separator: "\n")
        }

        mutating func append(_ line: String) {
            lines.append(line)
            if lines.count > StatusBook.maxLines { lines.removeFirst(lines.count - StatusBook.maxLines) }
            dirty = true
        }
    }

    /// A status message that is due an edit: its new text for the message Telegram shows.
    struct Edit: Sendable, Equatable {
        var jobId: String
        var messageId: Int64
        var text: String
        var stopNonce: String
    }

    static let maxLines = 6
    static let editIntervalMs: Int64 = 1_500
    /// Elapsed time is refreshed this often even when nothing else changes.
    static let refreshIntervalMs: Int64 = 15_000

    private var statuses: [String: Status] = [:]
    private var lastTyping: [String: EpochMillis] = [:]

    func status(of jobId: String) -> Status? { statuses[jobId] }

    func hasStatus(_ jobId: String) -> Bool { statuses[jobId] != nil }

    /// A new status message for the job, to be sent as soon as an egress can take it.
    mutating func open(jobId: String, stopNonce: String, verbosity: Int, now: EpochMillis) {
        statuses[jobId] = Status(stopNonce: stopNonce, verbosity: verbosity, startedAt: now)
    }

    /// One line of progress, as the person's verbosity allows (1: tools; 2: Claude's words too).
    mutating func note(_ progress: JobProgress) {
        guard let status = statuses[progress.jobId], status.verbosity > 0 else { return }
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
        statuses[progress.jobId]?.append(line)
    }

    /// One line saying the job was restarted (replacing the one a previous restart left).
    mutating func noteRestart(jobId: String, byCLI: Bool) {
        guard statuses[jobId] != nil else { return }
        statuses[jobId]?.lines.removeAll { $0.hasPrefix(ReplyTexts.restartMark) }
        statuses[jobId]?.append(ReplyTexts.restarted(byCLI: byCLI))
    }

    /// Jobs whose status message is owed (not yet handed to an egress), in a stable order.
    var unsent: [String] { statuses.filter { !$0.value.sent }.keys.sorted() }

    /// The status message leaves now: returns what it shows.
    mutating func sent(_ jobId: String, now: EpochMillis) -> Status? {
        guard var status = statuses[jobId] else { return nil }
        status.sent = true
        status.dirty = false
        status.lastEditAt = now
        status.shownText = status.text(now: now)
        statuses[jobId] = status
        return status
    }

    /// Telegram showed the status message under this id (edits and its removal need it).
    mutating func shown(_ jobId: String, messageId: Int64) {
        statuses[jobId]?.messageId = messageId
    }

    /// Status messages shown in the chat whose text changed (or whose elapsed time is stale), and whose last edit is
    /// long enough ago.
    func due(at now: EpochMillis) -> [Edit] {
        statuses.sorted { $0.key < $1.key }.compactMap { jobId, status in
            guard let messageId = status.messageId, now - status.lastEditAt >= Self.editIntervalMs,
                status.dirty || now - status.lastEditAt >= Self.refreshIntervalMs
            else { return nil }
            let text = status.text(now: now)
            guard text != status.shownText else { return nil }
            return Edit(jobId: jobId, messageId: messageId, text: text, stopNonce: status.stopNonce)
        }
    }

    /// The edit left for egress.
    mutating func edited(_ edit: Edit, now: EpochMillis) {
        statuses[edit.jobId]?.dirty = false
        statuses[edit.jobId]?.lastEditAt = now
        statuses[edit.jobId]?.shownText = edit.text
    }

    /// Whether the job's chat should be shown `typing` again (Telegram shows it for about 5 s).
    func typingDue(_ jobId: String, now: EpochMillis, intervalMs: Int64) -> Bool {
        guard let last = lastTyping[jobId] else { return true }
        return now - last >= intervalMs
    }

    mutating func typed(_ jobId: String, now: EpochMillis) {
        lastTyping[jobId] = now
    }

    /// The job's attempt ended: no more `typing` for it (its status message may stay for a restart).
    mutating func stopTyping(_ jobId: String) {
        lastTyping[jobId] = nil
    }

    /// The job ended: its status message and `typing` are forgotten.
    mutating func close(_ jobId: String) {
        statuses[jobId] = nil
        lastTyping[jobId] = nil
    }

    /// Only the status message is forgotten (the job may still be shown `typing` until its attempt ends).
    mutating func drop(_ jobId: String) {
        statuses[jobId] = nil
    }
}

/// Status messages are not in the outbox; their delivery ids name the job they belong to.
enum StatusMessage {
    static let prefix = "status-"

    static func deliveryId(jobId: String) -> String { prefix + jobId }

    static func jobId(fromDeliveryId id: String) -> String? {
        id.hasPrefix(prefix) ? String(id.dropFirst(prefix.count)) : nil
    }
}
