import Foundation
import Ledger
import Messages

/// Walk, step 1 of 4 — an update is decided and committed: every Telegram update is committed exactly once, with
/// everything it causes, before it is acknowledged. Who the sender is and what they may still do is
/// `+Admission` (step 2); the job it may become is dispatched by `+JobRun` (step 3); replies leave through
/// `+Delivery` (step 4). Commands and buttons go to the chat surface (`ChatSurface/`).
extension GuardCore {
    func receiveIntake(_ envelope: Envelope, from peer: Data) throws -> [Outbound] {
        switch envelope.type {
        case .update:
            let update = try WireCodec.decode(InboundUpdate.self, from: envelope)
            let decided = try decide(update)
            return try conclude(decided, applied: try ledger.apply(decided.changes), to: peer)
        case .heartbeat:
            return [try heartbeat(on: .intake, to: peer, registered: nil)]
        case .webhookEvent:
            return try receiveWebhook(try WireCodec.decode(WebhookEvent.self, from: envelope), from: peer)
        case .webhookRefusals:
            return try receiveWebhookRefusals(try WireCodec.decode(WebhookRefusals.self, from: envelope), from: peer)
        default:
            logger.warning("unexpected message on intake", metadata: ["type": "\(envelope.type.rawValue)"])
            return []
        }
    }

    /// Intake messages heard together. Each update is decided in turn; those that store nothing but themselves and
    /// their audit entries (refused or ignored strangers: nothing another decision reads) wait and are committed
    /// together in one transaction, then acknowledged. Anything else first commits what waits, so the order of
    /// commits stays the order of arrival, and a person's next update is decided only once theirs are committed.
    /// With `followUpLater`, the dispatch and deliveries the batch makes due are left to `intakeFollowUp()`, so that
    /// the acknowledgements and each new job's `typing` leave before the dispatch's own commit (and before the
    /// executor starts a CLI that competes with them for the CPU). With `ahead`, a new job's `typing` is handed to
    /// it as soon as the update is decided, before its commit (see `typeAhead`); it is then not in the answer.
    public func receiveIntake(
        _ batch: [(peer: Data, frames: [Data])], followUpLater: Bool = false, ahead: (@Sendable ([Outbound]) -> Void)? = nil
    ) -> [Outbound] {
        followUpDeferred = followUpLater
        defer { followUpDeferred = false }
        var out: [Outbound] = []
        var waiting: [(decided: DecidedUpdate, peer: Data)] = []
        var waitingPeople: Set<Int64> = []
        func commitWaiting() {
            guard !waiting.isEmpty else { return }
            defer {
                waiting = []
                waitingPeople = []
            }
            do {
                let applied = try ledger.apply(waiting.map(\.decided.changes))
                for (entry, applied) in zip(waiting, applied) {
                    out += try conclude(entry.decided, applied: applied, to: entry.peer)
                }
            } catch {
                // Unacknowledged, so ingress sends them again.
                logger.error("failed to commit a batch of updates", metadata: ["count": "\(waiting.count)", "error": "\(error)"])
            }
        }
        for message in batch {
            do {
                let envelope = try WireCodec.envelope(of: message.frames)
                guard envelope.type == .update else {
                    commitWaiting()
                    if envelope.type == .heartbeat, let peerMetrics { notePeerMetrics(envelope, link: .intake, into: peerMetrics) }
                    out += try receiveIntake(envelope, from: message.peer)
                    continue
                }
                let update = try WireCodec.decode(InboundUpdate.self, from: envelope)
                if let userId = update.sender?.id, waitingPeople.contains(userId) { commitWaiting() }
                let decided = try decide(update)
                if decided.mayWait {
                    waiting.append((decided, message.peer))
                    if let userId = update.sender?.id { waitingPeople.insert(userId) }
                    if waiting.count >= Self.groupCommitLimit { commitWaiting() }
                    continue
                }
                let typedAhead = ahead.map { typeAhead(decided, into: $0) } ?? false
                commitWaiting()
                let applied: Bool
                do {
                    applied = try ledger.apply(decided.changes)
                } catch {
                    if typedAhead, let job = newJob(of: decided) { statuses.stopTyping(job.id) }
                    throw error
                }
                out += try conclude(decided, applied: applied, to: message.peer, typedAhead: typedAhead)
            } catch let error as WireError {
                logger.warning("dropped a malformed message", metadata: ["link": "intake", "error": "\(error)"])
            } catch {
                logger.error("failed to handle a message", metadata: ["link": "intake", "error": "\(error)"])
            }
        }
        commitWaiting()
        return out
    }

    /// Updates committed in one transaction at most: bounds how long the first of a burst waits for its ack.
    static let groupCommitLimit = 128

    /// The first sign of life before the commit: a new job's `typing` handed to `send` as soon as the update is
    /// decided, so the person's chat shows it while the guard is still writing (the commit was a third of the guard's
    /// part of the way). Only a `typing`, which promises nothing: the acknowledgement, the status message and every
    /// reply still wait for the commit. An update committed before (ingress sends it again after a restart) gets
    /// none, as it would after its commit; if this commit fails, ingress sends the update again and the person sees
    /// `typing` once more. Whether it was sent.
    private func typeAhead(_ decided: DecidedUpdate, into send: ([Outbound]) -> Void) -> Bool {
        guard let job = newJob(of: decided) else { return false }
        do {
            guard try !ledger.hasUpdate(id: decided.update.updateId), let typing = try typing(for: job, now: clock.now()) else { return false }
            send([typing])
            return true
        } catch {
            // The typing then comes with the commit.
            logger.warning("could not send typing ahead of the commit", metadata: ["job.id": "\(job.id)", "error": "\(error)"])
            return false
        }
    }

    /// The job a decided update starts, if it becomes one.
    private func newJob(of decided: DecidedUpdate) -> JobRecord? {
        guard decided.changes.newUpdate?.knownDisposition == .job else { return nil }
        return decided.changes.jobs.last { $0.updateId == decided.update.updateId && $0.attempt == 0 }
    }

    /// Acknowledges a decided update once stored, with what it causes if it was new (and its `typing`, unless that
    /// went ahead of the commit).
    private func conclude(_ decided: DecidedUpdate, applied: Bool, to peer: Data, typedAhead: Bool = false) throws -> [Outbound] {
        let update = decided.update
        logger.info(applied ? "update committed" : "duplicate update ignored", metadata: [
            "update.id": "\(update.updateId)", "user.id": "\(update.sender.map { String($0.id) } ?? "-")",
            "disposition": "\(decided.changes.newUpdate?.disposition ?? "-")",
        ])
        let outcome: UpdateAck.Outcome = applied ? .committed : .duplicate
        var out = [try message(UpdateAck(updateId: update.updateId, outcome: outcome), on: .intake, to: peer)]
        guard applied else { return out }
        countUpdate(decided)
        out += decided.effects
        // The first sign of life: `typing` as soon as the message is committed as a job, not once a CLI has started.
        if !typedAhead, let job = newJob(of: decided), let typing = try typing(for: job, now: clock.now()) {
            out.append(typing)
        }
        // An unanswered refusal or an ignored update leaves nothing new to dispatch or deliver: under a flood of
        // strangers, looking would cost two ledger reads per update.
        if decided.followUp {
            if followUpDeferred {
                followUpOwed = true
            } else {
                out += try dispatchQueuedJobs() + (try pumpOutbox())
            }
        }
        return out
    }

    /// The dispatch and deliveries owed by the last intake batch received with `followUpLater`.
    public func intakeFollowUp() -> [Outbound] {
        guard followUpOwed else { return [] }
        followUpOwed = false
        do {
            return try dispatchQueuedJobs() + (try pumpOutbox())
        } catch {
            // The tick dispatches and delivers again within 250 ms.
            logger.error("failed to dispatch after intake", metadata: ["error": "\(error)"])
            return []
        }
    }

    /// Decides what the update becomes: everything to store for it, in one transaction, and the messages to peers
    /// that the decision causes (cancels, button answers), to send only if the update turns out to be new.
    private func decide(_ update: InboundUpdate) throws -> DecidedUpdate {
        let now = clock.now()
        let userId = update.sender?.id
        let chatId = update.chat?.id
        var changes = LedgerChanges(newUpdate: UpdateRecord(
            updateId: update.updateId, receivedAt: update.receivedAt, committedAt: now, userId: userId, chatId: chatId,
            kind: update.kind.rawValue, disposition: .ignored))
        var effects: [Outbound] = []

        let standing = try userId.map { try self.standing(of: $0, now: now) }
        var decision = intake.decide(update, standing: standing)
        if let userId, standing?.mayUseBot == true {
            decision = try admit(decision, userId: userId, changes: &changes, now: now)
        }
        effects += try act(on: decision, update: update, standing: standing, changes: &changes, now: now)
        if let userId {
            try watch(userId: userId, changes: &changes, now: now)
            if standing == .authenticated, !changes.endedAuthSessions.contains(userId), !changes.erasures.contains(userId),
                var session = try ledger.authSession(userId: userId)
            {
                session.lastSeenAt = now
                changes.authSessions.append(session)
            }
        }

        var followUp = true
        switch decision {
        case .reply, .refuse, .ignore: followUp = !changes.outbox.isEmpty
        default: break
        }
        return DecidedUpdate(update: update, changes: changes, effects: effects, followUp: followUp)
    }

    /// Carries out what the intake policy (and the limits) decided for an update: what it stores goes into
    /// `changes`; the messages to peers it causes are returned.
    func act(
        on decision: IntakePolicy.Decision, update: InboundUpdate, standing: Standing?, changes: inout LedgerChanges, now: EpochMillis
    ) throws -> [Outbound] {
        let userId = update.sender?.id
        let chatId = update.chat?.id
        var effects: [Outbound] = []
        switch decision {
        case .runPrompt(let prompt):
            effects += try startJob(prompt: prompt, update: update, changes: &changes, now: now)
        case .reply(let text, let event, let reason):
            changes.newUpdate?.setDisposition(.reply)
            // Strangers are answered only within the refusal budget; beyond it they are audited and not answered.
            // A limit refusal is answered once per person and window: the rest would only queue in front of
            // whatever the person is told next.
            let answered: Bool
            if IntakePolicy.limitRefusals.contains(event), let userId {
                answered = refusals.shouldAnswer(
                    userId, reason: event.rawValue, now: now, intervalMs: configuration.access.limitRefusalWindowMs)
            } else {
                answered = event != IntakePolicy.accessDenied || refusalReplies.take(now: now)
            }
            if let chatId, answered {
                changes.outbox.append(reply(text, chatId: chatId, threadId: update.chat?.threadId, replyTo: update.messageId, now: now))
            }
            changes.audit.append(AuditEvent(
                at: now, userId: userId, event: event, detail: answered ? reason : "\(reason); not answered (already told, or too many refusals)"))
        case .refuse(let text, let event, let reason, let violation):
            changes.newUpdate?.setDisposition(.refused)
            // One answer per person per interval, and within a budget over all of them together: a flood of
            // strangers must not use up the bot's Telegram rate that the allowed users' answers need.
            let answered = userId.map {
                refusals.shouldAnswer($0, reason: reason, now: now, intervalMs: configuration.access.refusalIntervalMs)
            } == true && refusalReplies.take(now: now)
            if let chatId, answered {
                changes.outbox.append(reply(text, chatId: chatId, threadId: update.chat?.threadId, replyTo: update.messageId, now: now))
            }
            changes.audit.append(AuditEvent(
                at: now, userId: userId, event: violation ? .securityViolation : event,
                detail: answered ? reason : "\(reason); not answered (already told, or too many refusals)"))
        case .ignore(let reason):
            changes.audit.append(AuditEvent(at: now, userId: userId, event: .updateIgnored, detail: reason))
        case .command(let command):
            changes.newUpdate?.setDisposition(.command)
            effects += try carryOut(command, update: update, standing: standing ?? .stranger, changes: &changes, now: now)
        case .button(let callbackId, let data):
            changes.newUpdate?.setDisposition(.button)
            effects += try press(data, callbackId: callbackId, update: update, changes: &changes, now: now)
        case .refuseButton(let callbackId, let text, let event, let reason):
            changes.audit.append(AuditEvent(at: now, userId: userId, event: event, detail: reason))
            effects += try answerButton(callbackId, text: text, chatId: chatId ?? userId ?? 0)
        }
        return effects
    }
}
