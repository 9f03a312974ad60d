import Foundation
import Ledger
import Messages
import Validation

/// `/git` (a read-only view of the current project, run by an executor with git made inert) and the quick actions
/// (`/actions`, and the buttons under an answer in a git project). Every button here is `typed`: pressed, its text
/// goes through intake as if the person had sent it.
extension GuardCore {
    /// Longest git output shown in a chat message; longer goes as a file.
    static let gitMessageLimit = 3_500

    /// Asks an executor for the view, unless Claude is working in that project now: git reads the repository's
    /// config, and a running job could change it between the executor's neutralising and git's reading.
    func showGit(
        _ view: GitView, _ request: CommandRequest, directory: String, workspace: String, threadId: Int64?,
        changes: inout LedgerChanges, now: EpochMillis
    ) throws -> [Outbound] {
        let busy = try ledger.jobs(in: [.dispatched, .running]).contains { job in
            job.workspace == workspace || job.workspace.hasPrefix(workspace + "/") || workspace.hasPrefix(job.workspace + "/")
                || job.workspace.isEmpty || workspace.isEmpty
        }
        if busy {
            changes.audit.append(AuditEvent(at: now, userId: request.userId, event: .commandRefused, detail: "/git while a job runs there"))
            changes.outbox.append(reply(
                ChatText.gitWhileWorking, chatId: request.chatId, threadId: threadId, replyTo: request.messageId, now: now))
            return []
        }
        return try askExecutor(.git, directory: directory, purpose: .git(view), request, threadId: threadId, gitView: view, now: now)
    }

    /// The executor's git output: a message with the view buttons, or past a message's length a file (`.diff` for
    /// changes) and a short message with the buttons.
    func showGitResult(_ result: FileResult, view: GitView, _ pending: PendingFileRequest, now: EpochMillis) throws -> [Outbound] {
        var changes = LedgerChanges()
        let request = CommandRequest(userId: pending.userId, chatId: pending.chatId, messageId: pending.replyTo, standing: .user)
        let shown = Workspaces.display(pending.directory)
        let buttons = gitButtons(besides: view, request, changes: &changes, now: now)
        func answer(_ text: String, format: Delivery.Format = .plain) {
            changes.outbox.append(reply(
                text, format: format, chatId: pending.chatId, threadId: pending.threadId, replyTo: pending.replyTo,
                buttons: buttons, now: now))
        }
        if let error = result.error {
            answer(ChatText.fileProblem(result.message))
            changes.audit.append(AuditEvent(
                at: now, userId: pending.userId, event: .gitRefused, detail: "\(error) \(view.argument) \(InputExcerpt.quote(shown))"))
        } else {
            let text = String(decoding: result.data ?? Data(), as: UTF8.self)
            let presentation = GitPresentation(view: view, output: text, cut: result.message, messageLimit: Self.gitMessageLimit)
            if let file = presentation.fileName {
                changes.outbox.append(document(text, fileName: file, chatId: pending.chatId, replyTo: pending.replyTo, now: now))
            }
            answer(presentation.message, format: presentation.format)
            changes.audit.append(AuditEvent(
                at: now, userId: pending.userId, event: .gitShown, detail: "\(view.argument) \(InputExcerpt.quote(shown))"))
        }
        try ledger.apply(changes)
        return try pumpOutbox()
    }

    /// `/actions`: the project's quick actions as buttons, or why there are none.
    func offerActions(_ result: FileResult, _ pending: PendingFileRequest, now: EpochMillis) throws -> [Outbound] {
        var changes = LedgerChanges()
        let request = CommandRequest(userId: pending.userId, chatId: pending.chatId, messageId: pending.replyTo, standing: .user)
        let actions = result.project.map(QuickActions.choose) ?? []
        let text = if result.error != nil { ChatText.fileProblem(result.message) }
            else if actions.isEmpty { ChatText.noQuickActions(Workspaces.display(pending.directory)) }
            else { ChatText.quickActions(Workspaces.display(pending.directory)) }
        let buttons = quickActionButtons(actions, request, changes: &changes, now: now)
        changes.outbox.append(reply(
            text, chatId: pending.chatId, threadId: pending.threadId, replyTo: pending.replyTo, buttons: buttons, now: now))
        try ledger.apply(changes)
        return try pumpOutbox()
    }

    /// The quick actions as buttons, two to a row; nil when there are none.
    func quickActionButtons(
        _ actions: [QuickAction], _ request: CommandRequest, changes: inout LedgerChanges, now: EpochMillis
    ) -> [[Delivery.Button]]? {
        guard !actions.isEmpty else { return nil }
        let buttons = actions.map { button(.typed, argument: $0.text, label: $0.label, request, changes: &changes, now: now) }
        return stride(from: 0, to: buttons.count, by: 2).map { Array(buttons[$0..<min($0 + 2, buttons.count)]) }
    }

    /// Buttons for the other git views.
    private func gitButtons(besides shown: GitView, _ request: CommandRequest, changes: inout LedgerChanges, now: EpochMillis) -> [[Delivery.Button]] {
        let views: [(GitView, String)] = [(.status, "Status"), (.diff, "Diff"), (.log, "Log"), (.branches, "Branches")]
        return [views.filter { $0.0 != shown }.map { view, label in
            button(.typed, argument: "/git \(view.argument)", label: label, request, changes: &changes, now: now)
        }]
    }

    /// A `typed` button pressed by its owner: its text is decided and carried out as a message they sent, limits
    /// and audit included; the reply goes under the message that carried the button.
    func sendTyped(_ text: String, update: InboundUpdate, changes: inout LedgerChanges, now: EpochMillis) throws -> [Outbound] {
        guard let userId = update.sender?.id else { return [] }
        var typed = update
        typed.kind = .message
        typed.text = text
        typed.callback = nil
        typed.attachments = nil
        typed.messageId = update.callback?.messageId
        // In a group the button's text is meant for the bot, as a message naming it would be.
        typed.addressedToBot = true
        let standing = try standing(of: userId, now: now)
        let decision = try admit(intake.decide(typed, standing: standing), userId: userId, changes: &changes, now: now)
        return try act(on: decision, update: typed, standing: standing, changes: &changes, now: now)
    }
}
