import Foundation
import Ledger
import Messages
import Validation

/// Questions to executors about the disk (`/cd`, `/ls`, `/get`, `/export`, `/git`, …), and their answers.
extension GuardCore {
    /// Sends a `FileRequest` to an executor (the preferred one, e.g. the one holding a session's transcript, or any).
    /// With none connected, the question waits a few seconds for one to register (programs just restarted, a command
    /// sent while they were down) before the person is told none is available.
    func askExecutor(
        _ operation: FileRequest.Operation, directory: String, purpose: PendingFileRequest.Purpose, _ request: CommandRequest,
        threadId: Int64?, sessionId: String? = nil, preferred: String? = nil,
        transcriptFormat: FileRequest.TranscriptFormat? = nil, gitView: GitView? = nil, now: EpochMillis
    ) throws -> [Outbound] {
        let id = Self.newId()
        var ask = FileRequest(
            requestId: id, operation: operation, path: workspaces.workspace(of: request.userId, directory: directory),
            sessionId: sessionId, maxBytes: operation == .read ? configuration.uploads.maxBytes : nil)
        ask.transcriptFormat = transcriptFormat
        ask.gitView = gitView
        if operation == .git || operation == .project { ask.root = workspaces.root(of: request.userId) }
        let member = if let preferred { executors.members[preferred] } else {
            executors.members.values.min { $0.executorId < $1.executorId }
        }
        fileRequests.asked(PendingFileRequest(
            purpose: purpose, userId: request.userId, chatId: request.chatId, threadId: threadId, replyTo: request.messageId,
            directory: directory, sentAt: now, ask: ask, preferred: preferred, parked: member == nil))
        guard let member else { return [] }
        return [try message(ask, on: .work, to: member.peer)]
    }

    /// Questions that waited for an executor, sent to the one that just registered if it can answer them.
    func sendParkedFileRequests(to executorId: String, peer: Data, now: EpochMillis) throws -> [Outbound] {
        try fileRequests.unpark(for: executorId, now: now).map { try message($0, on: .work, to: peer) }
    }

    func receiveFileResult(_ result: FileResult, now: EpochMillis) throws -> [Outbound] {
        guard let pending = fileRequests.take(result.requestId) else { return [] }
        var changes = LedgerChanges()
        func answer(_ text: String, buttons: [[Delivery.Button]]? = nil) {
            changes.outbox.append(reply(
                text, chatId: pending.chatId, threadId: pending.threadId, replyTo: pending.replyTo, buttons: buttons, now: now))
        }
        let request = CommandRequest(userId: pending.userId, chatId: pending.chatId, messageId: pending.replyTo, standing: .user)
        let shown = Workspaces.display(pending.directory)
        switch pending.purpose {
        case .git(let view):
            return try showGitResult(result, view: view, pending, now: now)
        case .actions:
            return try offerActions(result, pending, now: now)
        case .cd, .ls, .projects, .get, .export, .bind:
            break
        }
        if result.error != nil {
            answer(ChatText.fileProblem(result.message))
            changes.audit.append(AuditEvent(
                at: now, userId: pending.userId, event: .fileRefused, detail: "\(result.error ?? "") \(InputExcerpt.quote(shown))"))
            try ledger.apply(changes)
            return try pumpOutbox()
        }
        switch pending.purpose {
        case .cd:
            guard result.isDirectory == true else {
                answer(ChatText.fileProblem("\(shown) is not a directory."))
                break
            }
            var prefs = try preferences(of: pending.userId)
            prefs.currentDirectory = pending.directory
            changes.preferences.append(prefs)
            changes.audit.append(AuditEvent(at: now, userId: pending.userId, event: .fileCd, detail: InputExcerpt.quote(shown)))
            answer(ChatText.changedDirectory(shown))
        case .bind:
            guard result.isDirectory == true, let thread = pending.threadId else {
                answer(ChatText.fileProblem("\(shown) is not a directory."))
                break
            }
            changes.topicBindings.append(TopicBindingRecord(
                chatId: pending.chatId, threadId: thread, workspace: workspaces.workspace(of: pending.userId, directory: pending.directory),
                boundBy: pending.userId, boundAt: now))
            changes.audit.append(AuditEvent(at: now, userId: pending.userId, event: .fileBind, detail: InputExcerpt.quote(shown)))
            answer(ChatText.bound(shown))
        case .ls, .projects:
            let entries = result.entries ?? []
            var buttons: [[Delivery.Button]] = []
            for entry in entries.filter(\.isDirectory).prefix(20) {
                let target = [pending.directory, entry.name].filter { !$0.isEmpty }.joined(separator: "/")
                let label = (entry.isGitRepository ? "● " : "📁 ") + entry.name
                buttons.append([button(.cd, argument: target, label: label, request, changes: &changes, now: now)])
            }
            let lines = entries.map { entry in
                entry.isDirectory ? (entry.isGitRepository ? "● " : "📁 ") + entry.name + "/" : "   " + entry.name
            }
            if pending.purpose == .projects {
                answer(ChatText.projects(entries.filter(\.isDirectory).map { ($0.isGitRepository ? "● " : "📁 ") + $0.name }),
                       buttons: buttons.isEmpty ? nil : buttons)
            } else {
                answer(ChatText.listing(shown, lines, more: result.message), buttons: buttons.isEmpty ? nil : buttons)
            }
        case .get:
            let name = pending.directory.split(separator: "/").last.map(String.init) ?? "file"
            changes.outbox.append(file(result.data ?? Data(), fileName: name, chatId: pending.chatId, replyTo: pending.replyTo, now: now))
            changes.audit.append(AuditEvent(at: now, userId: pending.userId, event: .fileSent, detail: InputExcerpt.quote(shown)))
        case .export(let format):
            changes.outbox.append(document(
                format.document(from: String(decoding: result.data ?? Data(), as: UTF8.self)), fileName: format.fileName,
                chatId: pending.chatId, replyTo: pending.replyTo, now: now))
            changes.audit.append(AuditEvent(at: now, userId: pending.userId, event: .fileExport, detail: InputExcerpt.quote(shown)))
        case .git, .actions:
            break
        }
        try ledger.apply(changes)
        return try pumpOutbox()
    }

    /// Questions no executor answered within 15 s are answered for it; questions no executor could be asked
    /// within 5 s say that none is available.
    func expireFileRequests(now: EpochMillis) throws -> [Outbound] {
        let late = fileRequests.expired(at: now)
        guard !late.isEmpty else { return [] }
        var changes = LedgerChanges()
        for pending in late {
            let text = if !pending.parked { ChatText.executorSilent }
                else if case .export = pending.purpose { ChatText.noTranscript }
                else { ChatText.noExecutor }
            changes.outbox.append(reply(text, chatId: pending.chatId, threadId: pending.threadId, replyTo: pending.replyTo, now: now))
        }
        try ledger.apply(changes)
        return []
    }

}
