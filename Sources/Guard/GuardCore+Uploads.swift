import Foundation
import Ledger
import Messages
import Validation

/// A prompt becomes a job: in the person's workspace, with the files that came with it (checked here: name, type,
/// size, content), the voice note's transcript shown back, and the parts of an album gathered into one job.
extension GuardCore {
    /// How long the first part of an album waits for the others before its job may be dispatched.
    static let albumWindowMs: Int64 = 1_500

    func startJob(prompt text: String, update: InboundUpdate, changes: inout LedgerChanges, now: Int64) throws -> [Outbound] {
        guard let userId = update.sender?.id, let chatId = update.chat?.id else { return [] }
        let threadId = update.chat?.threadId
        func answer(_ reply: String) {
            changes.outbox.append(self.reply(reply, chatId: chatId, threadId: threadId, replyTo: update.messageId, now: now))
        }
        func refuse(_ reply: String, event: AuditEventName, detail: String) -> [Outbound] {
            changes.newUpdate?.setDisposition(.reply)
            answer(reply)
            changes.audit.append(AuditEvent(at: now, userId: userId, event: event, detail: detail))
            return []
        }
        var files: [JobFile] = []
        for (index, attachment) in (update.attachments ?? []).enumerated() {
            switch attachment.kind {
            case .voice:
                if attachment.knownProblem == .voiceOff {
                    return refuse(ChatText.voiceOff, event: .requestRefused, detail: "voice note, voice is off")
                }
                // Any other problem, a code this build does not know included, is a failed transcription.
                if let problem = attachment.problem {
                    return refuse(ChatText.transcriptionFailed, event: .requestRefused, detail: "voice note: \(problem)")
                }
                if update.transcribed == true { answer(ChatText.heard(text)) }
            case .document, .photo:
                let name = attachment.kind == .photo
                    ? "photo-\(update.messageId ?? update.updateId)\(index == 0 ? "" : "-\(index + 1)").jpg"
                    : attachment.fileName ?? "file-\(update.messageId ?? update.updateId)"
                guard let data = attachment.data else {
                    let reply = attachment.knownProblem == .tooLarge ? ChatText.tooLarge(InputExcerpt.quote(name)) : ChatText.downloadFailed(InputExcerpt.quote(name))
                    return refuse(reply, event: .uploadRefused, detail: "\(attachment.problem ?? "no data"): \(InputExcerpt.quote(name))")
                }
                switch UploadValidator(policy: configuration.uploads).validate(
                    fileName: name, declaredMimeType: attachment.mimeType, size: data.count, head: data)
                {
                case .failure(let refusal):
                    let hostile: Set<Refusal.Code> = [.secretFile, .executableFile, .pathSeparator, .traversal, .controlCharacter, .lookalikeCharacter]
                    return refuse(
                        ChatText.uploadRefused(InputExcerpt.quote(name), refusal.reason),
                        event: hostile.contains(refusal.code) ? .securityViolation : .uploadRefused,
                        detail: "\(refusal.code.rawValue): \(InputExcerpt.quote(name))")
                case .success(let stored):
                    files.append(JobFile(
                        name: stored, data: data, isImage: attachment.kind == .photo || (attachment.mimeType ?? "").hasPrefix("image/")))
                }
            case .audio, .video, .animation, .sticker:
                return refuse(ChatText.unsupportedMedia, event: .uploadRefused, detail: "\(attachment.kind.rawValue) not supported")
            }
        }
        var prompt = text
        if prompt.isEmpty { prompt = files.allSatisfy(\.isImage) ? ChatText.lookAtImages : ChatText.lookAtFiles }
        changes.newUpdate?.setDisposition(.job)
        for file in files {
            changes.audit.append(AuditEvent(at: now, userId: userId, event: .fileUpload, detail: "\(InputExcerpt.quote(file.name)) \(file.data.count) bytes"))
        }

        // An album: later parts join the first part's job while it waits.
        if let group = update.mediaGroupId,
            var job = try ledger.jobs(in: [.queued]).first(where: { $0.mediaGroupId == group && $0.userId == userId })
        {
            if !text.isEmpty {
                job.prompt = [ChatText.lookAtImages, ChatText.lookAtFiles].contains(job.prompt) ? text : job.prompt + "\n" + text
            }
            job.notBefore = now + Self.albumWindowMs
            changes.jobs.append(job)
            let first = try ledger.jobFiles(jobId: job.id).count
            changes.jobFiles += files.enumerated().map { offset, file in jobFileRecord(file, jobId: job.id, seq: first + offset) }
            changes.audit.append(AuditEvent(at: now, userId: userId, event: .requestJoined, detail: "job \(job.id) album"))
            return []
        }
        var job = JobRecord(
            id: Self.newId(), updateId: update.updateId, userId: userId, chatId: chatId, threadId: threadId,
            replyToMessageId: update.messageId, workspace: try workspace(for: userId, chat: update.chat), prompt: prompt,
            status: .queued, attempt: 0, createdAt: now)
        if let group = update.mediaGroupId {
            job.mediaGroupId = group
            job.notBefore = now + Self.albumWindowMs
        }
        changes.jobs.append(job)
        changes.jobFiles += files.enumerated().map { offset, file in jobFileRecord(file, jobId: job.id, seq: offset) }
        changes.audit.append(AuditEvent(at: now, userId: userId, event: .requestAccepted, detail: "job \(job.id)"))
        return []
    }

    private func jobFileRecord(_ file: JobFile, jobId: String, seq: Int) -> JobFileRecord {
        JobFileRecord(jobId: jobId, seq: seq, name: file.name, data: file.data.base64EncodedString(), isImage: file.isImage)
    }

    /// The uploads to send with a job's assignment.
    func files(of job: JobRecord) throws -> [JobFile]? {
        let records = try ledger.jobFiles(jobId: job.id)
        guard !records.isEmpty else { return nil }
        return records.map { JobFile(name: $0.name, data: Data(base64Encoded: $0.data) ?? Data(), isImage: $0.isImage) }
    }
}
