import Foundation
import Ledger
import Messages
import Validation

/// Files Claude sends to the chat (its `send_file` tool, screened by the PreToolUse hook like every tool call, the
/// file read and typed by the executor inside the workspace): recorded, audited and put in the outbox, where egress
/// delivers them like a reply — in order with the job's answer, re-sent until Telegram confirms.
extension GuardCore {
    /// What a bot may upload to Telegram is 50 MB; the executor reads at most 20 MB, and so much is accepted here.
    static let maxFileToChatBytes = 20 * 1024 * 1024

    func receiveFileToChat(_ file: FileToChat, executorId: String, peer: Data, now: EpochMillis) throws -> [Outbound] {
        func receipt(_ reason: String?) throws -> [Outbound] {
            [try message(
                FileToChatReceipt(jobId: file.jobId, requestId: file.requestId, accepted: reason == nil, reason: reason),
                on: .work, to: peer)]
        }
        guard let job = try ledger.job(id: file.jobId), job.executorId == executorId, job.status == .running,
              file.attempt == job.attempt
        else { return try receipt("the job is not running on this executor") }
        if let problem = Self.fileNameProblem(file.fileName) {
            logger.warning("file to chat refused", metadata: ["job.id": "\(job.id)", "reason": "\(problem)"])
            return try receipt(problem)
        }
        guard file.data.count <= Self.maxFileToChatBytes else {
            return try receipt("the file is larger than \(Self.maxFileToChatBytes / 1_048_576) MB")
        }
        var entry = self.file(file.data, fileName: file.fileName, chatId: job.chatId, replyTo: job.replyToMessageId, now: now)
        entry.threadId = job.threadId
        entry.jobId = job.id
        if file.asPhoto { entry.kind = OutboxKind.photo }
        var changes = LedgerChanges(outbox: [entry])
        changes.audit.append(AuditEvent(
            at: now, userId: job.userId, event: .fileSent,
            detail: "\(InputExcerpt.quote(file.fileName)) \(file.data.count) bytes as \(file.asPhoto ? "photo" : "document"), job \(job.id)"))
        try ledger.apply(changes)
        logger.info("file to chat queued", metadata: [
            "job.id": "\(job.id)", "file.bytes": "\(file.data.count)", "file.photo": "\(file.asPhoto)",
        ])
        return try receipt(nil) + (try pumpOutbox())
    }

    /// The name the file will carry in the chat: one plain component the executor took from the path.
    static func fileNameProblem(_ name: String) -> String? {
        if name.isEmpty || name == "." || name == ".." || name.contains("/") { return "the file name is not a plain name" }
        if name.utf8.count > 255 { return "the file name is longer than 255 bytes" }
        if name.unicodeScalars.contains(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }) {
            return "the file name contains control characters"
        }
        return nil
    }
}
