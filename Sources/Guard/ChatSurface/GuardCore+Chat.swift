import Foundation
import Ledger
import Messages
import Validation

/// The chat surface: each person's current directory and Claude session per directory (both in the ledger, so a
/// restart changes nothing for them), and the commands that move between them. Questions only an executor can
/// answer (does this directory exist, what is in it) go out as `FileRequest`s, answered in `JobProtocol/+FileRequests`.
extension GuardCore {
    var workspaces: Workspaces {
        Workspaces(approvedDirectory: configuration.approvedDirectory, mode: configuration.workspaceMode, admins: configuration.adminUsers)
    }

    func preferences(of userId: Int64) throws -> PreferencesRecord {
        try ledger.preferences(userId: userId) ?? PreferencesRecord(userId: userId, verbosity: 1)
    }

    /// Where a message from this person in this chat works: a topic bound with `/bind`, or their current directory.
    func workspace(for userId: Int64, chat: InboundUpdate.Chat?) throws -> String {
        if let chat, chat.type != "private", let thread = chat.threadId,
            let binding = try ledger.topicBinding(chatId: chat.id, threadId: thread)
        {
            return binding.workspace
        }
        return workspaces.workspace(of: userId, directory: try preferences(of: userId).currentDirectory ?? "")
    }

    func carryOutChat(
        _ command: IntakePolicy.Command, _ request: CommandRequest, update: InboundUpdate, changes: inout LedgerChanges,
        now: EpochMillis
    ) throws -> [Outbound] {
        let userId = request.userId
        let threadId = update.chat?.threadId
        func answer(_ text: String, buttons: [[Delivery.Button]]? = nil) {
            changes.outbox.append(reply(
                text, chatId: request.chatId, threadId: threadId, replyTo: request.messageId, buttons: buttons, now: now))
        }
        let prefs = try preferences(of: userId)
        let current = prefs.currentDirectory ?? ""
        let workspace = try self.workspace(for: userId, chat: update.chat)
        changes.audit.append(AuditEvent(at: now, userId: userId, event: .command, detail: ChatText.auditName(command)))
        switch command {
        case .pwd:
            answer(ChatText.pwd(Workspaces.display(current)))
        case .newSession:
            changes.endedSessions.append(SessionKey(userId: userId, workspace: workspace))
            answer(ChatText.freshSession(Workspaces.display(current)))
        case .continueSession(let text):
            if let text {
                return try startJob(prompt: text, update: update, changes: &changes, now: now)
            }
            let session = try ledger.session(userId: userId, workspace: workspace)
            answer(session.map { ChatText.continuing(Workspaces.display(current), since: now - $0.updatedAt) }
                ?? ChatText.noSessionYet(Workspaces.display(current)))
        case .resume:
            let history = try ledger.sessionHistory(userId: userId, limit: 8)
            guard !history.isEmpty else {
                answer(ChatText.noSessions)
                return []
            }
            var buttons: [[Delivery.Button]] = []
            for entry in history {
                let label = ChatText.sessionLabel(entry, root: workspaces.root(of: userId), now: now)
                buttons.append([button(.resume, argument: entry.sessionId, label: label, request, changes: &changes, now: now)])
            }
            answer(ChatText.pickSession, buttons: buttons)
        case .status:
            try showStatus(request, prefs: prefs, workspace: workspace, answer: { answer($0) }, now: now)
        case .model(let name):
            let (text, buttons) = try chooseModel(name, request, prefs: prefs, changes: &changes, now: now)
            answer(text, buttons: buttons)
        case .cd(let input), .bind(let input):
            if case .bind = command, update.chat?.threadId == nil || update.chat?.type == "private" {
                answer(ChatText.bindOnlyInTopics)
                return []
            }
            switch workspaces.resolve(input, from: current, userId: userId) {
            case .failure(let refusal):
                refusePath(refusal, input: input, request, threadId: threadId, changes: &changes, now: now)
            case .success(let directory):
                let purpose: PendingFileRequest.Purpose = if case .bind = command { .bind } else { .cd }
                return try askExecutor(.stat, directory: directory, purpose: purpose, request, threadId: threadId, now: now)
            }
        case .ls(let input):
            switch workspaces.resolve(input ?? ".", from: current, userId: userId) {
            case .failure(let refusal):
                refusePath(refusal, input: input ?? ".", request, threadId: threadId, changes: &changes, now: now)
            case .success(let directory):
                return try askExecutor(.list, directory: directory, purpose: .ls, request, threadId: threadId, now: now)
            }
        case .projects:
            return try askExecutor(.list, directory: "", purpose: .projects, request, threadId: threadId, now: now)
        case .get(let input):
            switch workspaces.resolve(input, from: current, userId: userId) {
            case .failure(let refusal):
                refusePath(refusal, input: input, request, threadId: threadId, changes: &changes, now: now)
            case .success(let path):
                return try askExecutor(.read, directory: path, purpose: .get, request, threadId: threadId, now: now)
            }
        case .export(let format):
            guard let session = try ledger.session(userId: userId, workspace: workspace) else {
                answer(ChatText.noSessionYet(Workspaces.display(current)))
                return []
            }
            return try askExecutor(
                .transcript, directory: current, purpose: .export(format), request, threadId: threadId, sessionId: session.sessionId,
                preferred: session.executorId, transcriptFormat: format.transcriptFormat, now: now)
        case .git(let view):
            return try showGit(view, request, directory: current, workspace: workspace, threadId: threadId, changes: &changes, now: now)
        case .actions:
            return try askExecutor(.project, directory: current, purpose: .actions, request, threadId: threadId, now: now)
        case .stop, .verbose, .auth, .cost, .myData, .forgetMe, .users, .allow, .block, .unblock, .schedule:
            break
        }
        return []
    }

    /// A path someone typed was refused before anything touched the disk: say why, and audit it as a violation
    /// when it looks like an attack rather than a typo.
    func refusePath(
        _ refusal: Refusal, input: String, _ request: CommandRequest, threadId: Int64?, changes: inout LedgerChanges, now: EpochMillis
    ) {
        let hostile: Set<Refusal.Code> = [
            .traversal, .absoluteOutside, .homeExpansion, .variableExpansion, .commandSubstitution, .shellMetacharacter,
            .controlCharacter, .encodedTraversal, .lookalikeCharacter, .backslash,
        ]
        changes.audit.append(AuditEvent(
            at: now, userId: request.userId, event: hostile.contains(refusal.code) ? .securityViolation : .pathRefused,
            detail: "\(refusal.code.rawValue): \(InputExcerpt.quote(input))"))
        changes.outbox.append(reply(
            ChatText.pathRefused(refusal.reason), chatId: request.chatId, threadId: threadId, replyTo: request.messageId, now: now))
    }

    /// A chat surface button, stored like every button (its data is only a nonce).
    func button(
        _ action: ButtonRecord.Action, argument: String, label: String, _ request: CommandRequest, changes: inout LedgerChanges,
        now: EpochMillis
    ) -> Delivery.Button {
        var record = ButtonRecord(
            nonce: Self.shortId(), action: action, jobId: "", userId: request.userId, chatId: request.chatId, createdAt: now,
            expiresAt: now + 86_400_000)
        record.argument = argument
        changes.buttons.append(record)
        return Delivery.Button(text: String(label.prefix(60)), callbackData: ButtonData.encode(record.nonce))
    }

    /// A chat surface button was pressed (by its owner: checked by the caller).
    func pressChatButton(_ button: ButtonRecord, update: InboundUpdate, changes: inout LedgerChanges, now: EpochMillis) throws -> (String, [Outbound]) {
        let request = CommandRequest(userId: button.userId, chatId: button.chatId, messageId: nil, standing: .user)
        let argument = button.argument ?? ""
        switch button.action {
        case .cd:
            let out = try askExecutor(.stat, directory: argument, purpose: .cd, request, threadId: update.chat?.threadId, now: now)
            return ("…", out)
        case .resume:
            guard let entry = try ledger.sessionHistory(sessionId: argument), entry.userId == button.userId else {
                return (ReplyTexts.buttonExpired, [])
            }
            changes.sessions.append(SessionRecord(
                userId: entry.userId, workspace: entry.workspace, sessionId: entry.sessionId, executorId: entry.executorId, updatedAt: now))
            var prefs = try preferences(of: button.userId)
            let root = workspaces.root(of: button.userId)
            prefs.currentDirectory = root.isEmpty ? entry.workspace : String(entry.workspace.dropFirst(root.count).drop { $0 == "/" })
            changes.preferences.append(prefs)
            changes.outbox.append(reply(
                ChatText.resumed(Workspaces.display(prefs.currentDirectory ?? "")), chatId: button.chatId, threadId: update.chat?.threadId,
                replyTo: nil, now: now))
            return (ChatText.resumedShort, [])
        case .model:
            var prefs = try preferences(of: button.userId)
            prefs.model = argument
            changes.preferences.append(prefs)
            changes.outbox.append(reply(ChatText.modelSet(argument), chatId: button.chatId, threadId: update.chat?.threadId, replyTo: nil, now: now))
            return (ChatText.modelSet(argument), [])
        case .retry, .stop, .allowOnce, .allowSession, .deny, .answer, .typed:
            return (ReplyTexts.buttonExpired, [])
        }
    }

    private func chooseModel(
        _ name: String?, _ request: CommandRequest, prefs: PreferencesRecord, changes: inout LedgerChanges, now: EpochMillis
    ) throws -> (String, [[Delivery.Button]]?) {
        let allowed = configuration.allowedModels
        let current = prefs.model ?? configuration.claude.model ?? "the CLI's default"
        guard let name else {
            guard !allowed.isEmpty else { return (ChatText.modelFixed(current), nil) }
            let buttons = allowed.map { model in
                [button(.model, argument: model, label: (model == current ? "✓ " : "") + model, request, changes: &changes, now: now)]
            }
            return (ChatText.pickModel(current), buttons)
        }
        guard allowed.contains(name) else {
            return (allowed.isEmpty ? ChatText.modelFixed(current) : ChatText.modelNotAllowed(name, allowed), nil)
        }
        var updated = prefs
        updated.model = name
        changes.preferences.append(updated)
        return (ChatText.modelSet(name), nil)
    }

    private func showStatus(
        _ request: CommandRequest, prefs: PreferencesRecord, workspace: String, answer: (String) -> Void, now: EpochMillis
    ) throws {
        var lines = ["Directory: \(Workspaces.display(prefs.currentDirectory ?? ""))"]
        if let session = try ledger.session(userId: request.userId, workspace: workspace) {
            let history = try ledger.sessionHistory(sessionId: session.sessionId)
            var line = "Session: \(session.sessionId.prefix(8)), last used \(ChatText.age(now - session.updatedAt)) ago"
            if let history { line += ", \(history.runs) request\(history.runs == 1 ? "" : "s"), \(ReplyTexts.dollars(history.costUSD))" }
            lines.append(line)
        } else {
            lines.append("Session: none yet here (your next message starts one)")
        }
        let active = try ledger.jobs(in: [.queued, .dispatched, .running]).filter { $0.userId == request.userId }
        lines.append(active.isEmpty ? "Running: nothing" : active.map {
            "Running: \($0.status.rawValue) for \(ChatText.age(now - $0.createdAt))"
        }.joined(separator: "\n"))
        let spent = try dayTotal(userId: request.userId, now: now)
        var usage = "Usage (24 h): \(ReplyTexts.dollars(spent))"
        if let limit = configuration.access.costLimits.perUserDailyUsd { usage += " of \(ReplyTexts.dollars(limit))" }
        lines.append(usage)
        lines.append("Model: \(prefs.model ?? configuration.claude.model ?? "the CLI's default")")
        if executors.members.values.contains(where: { $0.confinement == "off" }) {
            lines.append("Warning: Claude Code runs without kernel confinement on a machine here (EXECUTOR_SANDBOX=off)")
        }
        answer(lines.joined(separator: "\n"))
    }
}
