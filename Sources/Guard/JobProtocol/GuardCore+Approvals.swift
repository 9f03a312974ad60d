import Foundation
import Ledger
import Messages
import ToolPolicy

/// Questions to the person: "Ask" becomes a message with Allow once / Allow for this session / Deny;
/// AskUserQuestion becomes its options as buttons. Unanswered questions are denied after `approvalTimeoutSeconds`.
extension GuardCore {
    func ask(_ request: PermissionRequest, reason: String, job: JobRecord, executorId: String, now: EpochMillis) throws -> [Outbound] {
        let approval = newApproval(request, job: job, executorId: executorId, now: now)
        let summary = ToolSummary.describe(tool: request.toolName, input: request.input, workspace: workspacePath(job.workspace))
        let text = "Claude wants to use \(request.toolName)" + (summary.isEmpty ? "" : ":\n\(summary)") + "\n(\(reason))"
        let buttons = [ButtonRecord.Action.allowOnce, .allowSession, .deny].map { action in
            ButtonRecord(nonce: Self.shortId(), action: action, jobId: job.id, userId: job.userId, chatId: job.chatId,
                         createdAt: now, expiresAt: approval.expiresAt, approvalId: approval.id)
        }
        let labels = ["Allow once", "Allow for this session", "Deny"]
        let message = reply(text, chatId: job.chatId, threadId: job.threadId, replyTo: nil, jobId: job.id,
                            buttons: [zip(labels, buttons).map { Delivery.Button(text: $0, callbackData: ButtonData.encode($1.nonce)) }],
                            now: now)
        var stored = approval
        stored.outboxIds = message.id
        approvals.wait(for: stored)
        try ledger.apply(LedgerChanges(outbox: [message], buttons: buttons, approvals: [stored], audit: [
            AuditEvent(at: now, userId: job.userId, event: .toolAsked, detail: "\(request.toolName) job \(job.id): \(reason)"),
        ]))
        logger.info("asking the user about a tool call", metadata: ["job.id": "\(job.id)", "tool": "\(request.toolName)"])
        return try pumpOutbox()
    }

    /// AskUserQuestion: each question as a message with its options as buttons; the answers go back to Claude as
    /// the tool's input once every question is answered.
    func askQuestion(_ request: PermissionRequest, job: JobRecord, executorId: String, now: EpochMillis) throws -> [Outbound] {
        let questions = request.input["questions"]?.arrayValue ?? []
        guard !questions.isEmpty, questions.count <= 4 else {
            return [try decision(request, allow: false, reason: "the question could not be shown", peer: executors.members[executorId]?.peer ?? Data())]
        }
        var approval = newApproval(request, job: job, executorId: executorId, now: now)
        var changes = LedgerChanges()
        var outboxIds: [String] = []
        for (index, question) in questions.enumerated() {
            let text = question["question"]?.stringValue ?? "Claude has a question"
            let options = (question["options"]?.arrayValue ?? []).prefix(8)
            var rows: [[Delivery.Button]] = []
            for (choice, option) in options.enumerated() {
                let button = ButtonRecord(nonce: Self.shortId(), action: .answer, jobId: job.id, userId: job.userId, chatId: job.chatId,
                                          createdAt: now, expiresAt: approval.expiresAt, approvalId: approval.id, question: index, choice: choice)
                changes.buttons.append(button)
                let label = option["label"]?.stringValue ?? "Option \(choice + 1)"
                rows.append([Delivery.Button(text: String(label.prefix(60)), callbackData: ButtonData.encode(button.nonce))])
            }
            let deny = ButtonRecord(nonce: Self.shortId(), action: .deny, jobId: job.id, userId: job.userId, chatId: job.chatId,
                                    createdAt: now, expiresAt: approval.expiresAt, approvalId: approval.id)
            changes.buttons.append(deny)
            rows.append([Delivery.Button(text: "Don't answer", callbackData: ButtonData.encode(deny.nonce))])
            let message = reply("Claude asks: \(text)", chatId: job.chatId, threadId: job.threadId, replyTo: nil, jobId: job.id,
                                buttons: rows, now: now)
            changes.outbox.append(message)
            outboxIds.append(message.id)
        }
        approval.outboxIds = outboxIds.joined(separator: ",")
        approval.answers = "{}"
        approvals.wait(for: approval)
        changes.approvals.append(approval)
        changes.audit.append(AuditEvent(at: now, userId: job.userId, event: .toolAsked, detail: "AskUserQuestion job \(job.id)"))
        try ledger.apply(changes)
        return try pumpOutbox()
    }

    private func newApproval(_ request: PermissionRequest, job: JobRecord, executorId: String, now: EpochMillis) -> ApprovalRecord {
        let input = (try? JSONEncoder().encode(request.input)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        return ApprovalRecord(
            id: Self.shortId(), jobId: job.id, requestId: request.requestId, executorId: executorId, userId: job.userId,
            chatId: job.chatId, toolName: request.toolName, input: input, status: .pending, createdAt: now,
            expiresAt: now + Int64(configuration.approvalTimeoutSeconds) * 1000, outboxIds: "")
    }

    /// A press of an approval button (already checked: a live button of this person, or pressed by an admin).
    func answerApproval(_ button: ButtonRecord, by presser: InboundUpdate.Person?, changes: inout LedgerChanges, now: EpochMillis) throws -> (text: String, out: [Outbound]) {
        let stored = try button.approvalId.flatMap { try ledger.approval(id: $0) }
        guard let id = button.approvalId, var approval = approvals.approval(id: id) ?? stored,
            approval.status == .pending, now < approval.expiresAt
        else { return (ReplyTexts.alreadyDecided, []) }
        let who = presser.map { $0.username.map { "@" + $0 } ?? $0.firstName ?? "user \($0.id)" } ?? "someone"
        switch button.action {
        case .retry, .stop, .cd, .resume, .model, .typed:
            return (ReplyTexts.buttonExpired, [])
        case .answer:
            guard let question = button.question, let choice = button.choice else { return (ReplyTexts.buttonExpired, []) }
            var answers = (try? JSONDecoder().decode([String: Int].self, from: Data((approval.answers ?? "{}").utf8))) ?? [:]
            answers[String(question)] = choice
            approval.answers = String(decoding: (try? JSONEncoder().encode(answers)) ?? Data("{}".utf8), as: UTF8.self)
            let count = (try? JSONDecoder().decode(JSONValue.self, from: Data(approval.input.utf8)))?["questions"]?.arrayValue?.count ?? 1
            guard answers.count >= count else {
                approvals.wait(for: approval)
                changes.approvals.append(approval)
                return (ReplyTexts.answerNoted, [])
            }
            return (ReplyTexts.answerNoted, try settle(&approval, allow: true, reason: nil, note: "answered by \(who)", decidedBy: presser?.id, now: now, changes: &changes))
        case .allowOnce, .allowSession:
            if button.action == .allowSession, let job = try ledger.job(id: approval.jobId) {
                let scope = job.sessionId.map { "session:\($0)" } ?? "job:\(job.id)"
                changes.rules.append(SessionRuleRecord(scope: scope, toolName: approval.toolName,
                                                       signature: Self.signature(tool: approval.toolName, input: approval.input), createdAt: now))
            }
            let note = button.action == .allowOnce ? "allowed once by \(who)" : "allowed for this session by \(who)"
            return (ReplyTexts.allowed, try settle(&approval, allow: true, reason: nil, note: note, decidedBy: presser?.id, now: now, changes: &changes))
        case .deny:
            return (ReplyTexts.denied, try settle(&approval, allow: false, reason: "denied by the user", note: "denied by \(who)", decidedBy: presser?.id, now: now, changes: &changes))
        }
    }

    /// Denies questions nobody answered in time.
    func expireApprovals(now: EpochMillis) throws -> [Outbound] {
        let expired = approvals.expired(at: now)
        guard !expired.isEmpty else { return [] }
        var changes = LedgerChanges()
        var out: [Outbound] = []
        for var approval in expired {
            out += try settle(&approval, allow: false, reason: "no answer in time", note: "no answer in time, denied",
                              decidedBy: nil, now: now, changes: &changes, status: .expired)
        }
        try ledger.apply(changes)
        return out
    }

    /// Closes the open questions of a job that ended (the executor stops waiting for them by itself).
    func closeApprovals(ofJob jobId: String, because reason: String, now: EpochMillis, changes: inout LedgerChanges) throws -> [Outbound] {
        var out: [Outbound] = []
        for var approval in approvals.of(job: jobId) {
            out += try settle(&approval, allow: false, reason: reason, note: reason, decidedBy: nil, now: now, changes: &changes,
                              status: .expired, tellExecutor: false)
        }
        return out
    }

    /// Records the decision, tells the executor, and edits the question message(s) to say who decided what.
    private func settle(
        _ approval: inout ApprovalRecord, allow: Bool, reason: String?, note: String, decidedBy: Int64?, now: EpochMillis,
        changes: inout LedgerChanges, status: ApprovalRecord.Status? = nil, tellExecutor: Bool = true
    ) throws -> [Outbound] {
        approval.status = status ?? (allow ? .allowed : .denied)
        Self.recordApprovalAnswer(approval, now: now)
        if allow, let job = try ledger.job(id: approval.jobId), job.executorId == approval.executorId, job.status == .running {
            let input = (try? JSONDecoder().decode(JSONValue.self, from: Data(approval.input.utf8))) ?? .object([:])
            let context = ToolCallContext(workspace: workspacePath(job.workspace))
            changes.jobTools.append(allowedCall(
                toolName: approval.toolName, input: input, requestId: approval.requestId, job: job, context: context, now: now))
        }
        approval.decidedAt = now
        approval.decidedBy = decidedBy
        approval.message = reason
        approvals.settled(approval.id)
        changes.approvals.append(approval)
        changes.audit.append(AuditEvent(
            at: now, userId: decidedBy ?? approval.userId, event: allow ? .toolApproved : .toolRefused,
            detail: "\(approval.toolName) job \(approval.jobId): \(note)"))
        logger.info("tool question settled", metadata: ["job.id": "\(approval.jobId)", "tool": "\(approval.toolName)", "allowed": "\(allow)"])
        var out: [Outbound] = []
        if tellExecutor, let peer = executors.members[approval.executorId]?.peer {
            out.append(try message(PermissionDecision(
                jobId: approval.jobId, requestId: approval.requestId, allow: allow, message: allow ? nil : reason,
                updatedInput: allow ? answeredInput(approval) : nil), on: .work, to: peer))
        }
        for outboxId in approval.outboxIds.split(separator: ",").map(String.init) {
            guard let entry = try ledger.outbox(id: outboxId),
                let messageId = entry.telegramMessageIds?.split(separator: ",").first.flatMap({ Int64($0) }),
                let peer = egress.pick(deliveries)
            else { continue }
            out.append(try message(Delivery(
                deliveryId: "approval-\(approval.id)-\(outboxId)", kind: .editMessage, chatId: entry.chatId,
                text: entry.text + "\n\n" + (allow ? "✅ " : "⛔️ ") + note, targetMessageId: messageId, jobId: approval.jobId),
                on: .delivery, to: peer))
        }
        return out
    }

    /// AskUserQuestion's input with the chosen labels added as `answers` (question text → label), as Claude expects.
    func answeredInput(_ approval: ApprovalRecord) -> JSONValue? {
        guard approval.toolName == "AskUserQuestion",
            let input = try? JSONDecoder().decode(JSONValue.self, from: Data(approval.input.utf8)),
            let chosen = try? JSONDecoder().decode([String: Int].self, from: Data((approval.answers ?? "{}").utf8)),
            var object = input.objectValue
        else { return nil }
        var answers: [String: JSONValue] = [:]
        for (index, question) in (input["questions"]?.arrayValue ?? []).enumerated() {
            guard let choice = chosen[String(index)], let text = question["question"]?.stringValue,
                let options = question["options"]?.arrayValue, options.indices.contains(choice),
                let label = options[choice]["label"]?.stringValue
            else { continue }
            answers[text] = .string(label)
        }
        object["answers"] = .object(answers)
        return .object(object)
    }
}
