import Foundation
import Ledger
import Messages
import Validation

/// Webhook deliveries from the receiver (`gatehouse webhooks`): each committed once with the runs its matching rules
/// start — as their owners' jobs, under their standing and limits, answered in the rules' chats — and only then
/// acknowledged, so the sender is told 2xx only for what is stored, and its retry is a duplicate, not a second run.
extension GuardCore {
    func receiveWebhook(_ event: WebhookEvent, from peer: Data) throws -> [Outbound] {
        let now = clock.now()
        let rules = configuration.webhooks
        let delivery = "\(event.hook) delivery \(InputExcerpt.quote(event.deliveryId, limit: 80))"
        func answer(_ outcome: WebhookAck.Outcome, runs: Int = 0, reason: String? = nil) throws -> Outbound {
            try message(
                WebhookAck(hook: event.hook, deliveryId: event.deliveryId, outcome: outcome, runs: runs, reason: reason),
                on: .intake, to: peer)
        }
        guard rules.hooks.contains(event.hook) else {
            try ledger.apply(LedgerChanges(audit: [AuditEvent(
                at: now, userId: nil, event: .webhookRefused, detail: "\(delivery): no rule names this hook")]))
            return [try answer(.refused, reason: WebhookRefusalReason.unknownHook.rawValue)]
        }
        let payload = (try? JSONDecoder().decode(JSONValue.self, from: event.payload)) ?? .null
        let action = WebhookPrompt.action(of: payload)
        let matching = rules.matching(hook: event.hook, event: event.event, action: action)
        let trigger = "\(event.event ?? "event")\(action.map { "/\($0)" } ?? "")"
        var changes = LedgerChanges()
        var runs = 0
        for rule in matching where try start(rule, payload: payload, trigger: trigger, delivery: delivery, changes: &changes, now: now) {
            runs += 1
        }
        if matching.isEmpty {
            changes.audit.append(AuditEvent(at: now, userId: nil, event: .webhookIgnored, detail: "\(delivery) \(trigger): no rule matches"))
        }
        let outcome: WebhookAck.Outcome = matching.isEmpty ? .ignored : .accepted
        changes.webhookDelivery = WebhookDeliveryRecord(
            hook: event.hook, deliveryId: event.deliveryId, event: event.event, receivedAt: event.receivedAt,
            committedAt: now, outcome: outcome.rawValue, runs: runs)
        guard try ledger.apply(changes) else {
            logger.info("duplicate webhook delivery ignored", metadata: ["webhook.hook": "\(event.hook)", "webhook.delivery": "\(event.deliveryId)"])
            return [try answer(.duplicate)]
        }
        logger.info("webhook delivery committed", metadata: [
            "webhook.hook": "\(event.hook)", "webhook.delivery": "\(event.deliveryId)", "outcome": "\(outcome.rawValue)", "runs": "\(runs)",
        ])
        return [try answer(outcome, runs: runs)] + (try dispatchQueuedJobs()) + (try pumpOutbox())
    }

    /// A rule's run as a job of its owner's; false (told to the chat, audited) when the owner may not run it now.
    private func start(
        _ rule: WebhookRules.Rule, payload: JSONValue, trigger: String, delivery: String, changes: inout LedgerChanges, now: EpochMillis
    ) throws -> Bool {
        let owner = rule.owner
        let targets = rule.targets(defaults: configuration.webhooks.defaultChats)
        guard let chat = targets.first else { return false }  // refused when the rules were loaded
        let prompt = String(WebhookPrompt.render(rule.prompt, payload: payload).prefix(IntakePolicy.maxPromptLength))
        func notice(_ text: String) {
            changes.outbox.append(reply(text, chatId: chat, threadId: rule.topic, replyTo: nil, now: now))
        }
        guard try standing(of: owner, now: now).mayUseBot else {
            changes.audit.append(AuditEvent(
                at: now, userId: owner, event: .webhookSkipped, detail: "\(delivery) rule \(rule.name): its owner may no longer use the bot"))
            notice(WebhookTexts.notRun(rule.name, trigger: trigger, because: WebhookTexts.ownerGone))
            return false
        }
        if case .reply(let text, let event, let reason) = try admit(.runPrompt(prompt), userId: owner, changes: &changes, now: now) {
            changes.audit.append(AuditEvent(at: now, userId: owner, event: .webhookSkipped, detail: "\(delivery) rule \(rule.name): \(event): \(reason)"))
            notice(WebhookTexts.notRun(rule.name, trigger: trigger, because: text))
            return false
        }
        var job = JobRecord(
            id: Self.newId(), updateId: nil, userId: owner, chatId: chat, threadId: rule.topic,
            workspace: workspaces.workspace(of: owner, directory: rule.directory ?? ""), prompt: prompt, status: .queued,
            attempt: 0, createdAt: now)
        job.trigger = "webhook \(rule.name)"
        job.model = rule.model
        job.maxBudgetUSD = rule.maxBudgetUSD
        job.questions = rule.questions == .deny ? "deny" : nil
        if targets.count > 1 { job.copyTo = targets.dropFirst().map(String.init).joined(separator: ",") }
        changes.jobs.append(job)
        notice(WebhookTexts.starting(rule.name, trigger: trigger))
        changes.audit.append(AuditEvent(at: now, userId: owner, event: .webhookRun, detail: "\(delivery) \(trigger) rule \(rule.name): job \(job.id)"))
        return true
    }

    /// What the receiver refused by itself, audited as one entry per hook and reason, once per report (a report
    /// re-sent after a lost acknowledgement is recognised by its id, stored like a delivery's) and acknowledged.
    func receiveWebhookRefusals(_ refusals: WebhookRefusals, from peer: Data) throws -> [Outbound] {
        let now = clock.now()
        let audit = refusals.counts.map { count in
            AuditEvent(
                at: now, userId: nil, event: .webhookRefused,
                detail: "\(InputExcerpt.quote(count.hook, limit: 60)): \(count.count) × \(InputExcerpt.quote(count.reason, limit: 40))"
                    + (count.senders.isEmpty ? "" : " from \(count.senders.prefix(5).map { InputExcerpt.quote($0, limit: 60) }.joined(separator: ", "))"))
        }
        var changes = LedgerChanges(audit: audit)
        guard let reportId = refusals.reportId else {
            if !audit.isEmpty { try ledger.apply(changes) }
            return []
        }
        changes.webhookDelivery = WebhookDeliveryRecord(
            hook: WebhookRefusals.ackHook, deliveryId: reportId, event: nil, receivedAt: refusals.since, committedAt: now,
            outcome: "refusals", runs: 0)
        let fresh = try ledger.apply(changes)
        return [try message(
            WebhookAck(hook: WebhookRefusals.ackHook, deliveryId: reportId, outcome: fresh ? .accepted : .duplicate),
            on: .intake, to: peer)]
    }
}

/// What webhook runs say in the chat.
enum WebhookTexts {
    static func starting(_ rule: String, trigger: String) -> String {
        "Webhook \(InputExcerpt.quote(rule, limit: 60)) (\(InputExcerpt.quote(trigger, limit: 80))): Claude is on it."
    }

    static func notRun(_ rule: String, trigger: String, because text: String) -> String {
        "Webhook \(InputExcerpt.quote(rule, limit: 60)) (\(InputExcerpt.quote(trigger, limit: 80))) did not run: \(text)"
    }

    static let ownerGone = "the person the rule runs as may no longer use this bot."
}
