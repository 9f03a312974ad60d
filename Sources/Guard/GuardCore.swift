import Foundation
import Logging
import Messages
import Settings

/// Which of the guard's three endpoints a message came from or goes to.
public enum GuardLink: String, Sendable {
    case intake, work, delivery
}

/// A frame set the guard wants sent to one peer on one link.
public struct Outbound: Sendable {
    public var link: GuardLink
    public var peer: Data
    public var frames: [Data]
}

/// Every decision the guard makes, in one place: it hears what peers say and the time passing, records what it
/// decided in the ledger, and answers with the messages to send. It does no I/O of its own besides the ledger, so
/// tests drive it with an in-memory ledger and a hand-moved clock.
public actor GuardCore {
    private let configuration: GuardConfiguration
    private let ledger: any Ledger
    private let clock: any WallClock
    private let logger: Logger
    private let intake: IntakePolicy
    private let tools = ToolPolicy()
    /// Changes with every guard start; peers that see a new one register again.
    public nonisolated let instanceId: String
    private let startedAt: Int64

    private var executors = ExecutorPool()
    private var egress = EgressRoster()
    /// Deliveries handed to an egress and not yet answered: id → (egress peer, chat, when).
    private var inFlight: [String: InFlightDelivery] = [:]
    private var lastTyping: [String: Int64] = [:]

    struct InFlightDelivery {
        var peer: Data
        var chatId: Int64
        var sentAt: Int64
    }

    public init(configuration: GuardConfiguration, ledger: any Ledger, clock: any WallClock, logger: Logger) {
        self.configuration = configuration
        self.ledger = ledger
        self.clock = clock
        self.logger = logger
        self.intake = IntakePolicy(allowedUsers: configuration.allowedUsers, adminUsers: configuration.adminUsers)
        self.instanceId = String(UUID().uuidString.prefix(8)).lowercased()
        self.startedAt = clock.now()
    }

    // MARK: - Receiving

    /// Handles one frame set from a peer. Malformed input is logged and dropped; it never stops the guard.
    public func receive(link: GuardLink, peer: Data, frames: [Data]) -> [Outbound] {
        do {
            let envelope = try WireCodec.envelope(of: frames)
            switch link {
            case .intake: return try receiveIntake(envelope, from: peer)
            case .work: return try receiveWork(envelope, from: peer)
            case .delivery: return try receiveDelivery(envelope, from: peer)
            }
        } catch let error as WireError {
            logger.warning("dropped a malformed message", metadata: ["link": "\(link.rawValue)", "error": "\(error)"])
        } catch {
            logger.error("failed to handle a message", metadata: ["link": "\(link.rawValue)", "error": "\(error)"])
        }
        return []
    }

    private func receiveIntake(_ envelope: Envelope, from peer: Data) throws -> [Outbound] {
        switch envelope.type {
        case .update:
            let update = try WireCodec.decode(InboundUpdate.self, from: envelope)
            let outcome = try commit(update)
            var out = [try message(UpdateAck(updateId: update.updateId, outcome: outcome), on: .intake, to: peer)]
            if outcome == .committed { out += try dispatchQueuedJobs() + pumpOutbox() }
            return out
        case .heartbeat:
            return [try heartbeat(on: .intake, to: peer, registered: nil)]
        default:
            logger.warning("unexpected message on intake", metadata: ["type": "\(envelope.type.rawValue)"])
            return []
        }
    }

    private func receiveWork(_ envelope: Envelope, from peer: Data) throws -> [Outbound] {
        let now = clock.now()
        switch envelope.type {
        case .executorReady:
            let ready = try WireCodec.decode(ExecutorReady.self, from: envelope)
            return try register(ready, peer: peer, now: now)
        case .heartbeat:
            let known = executors.touch(peer: peer, now: now)
            return [try heartbeat(on: .work, to: peer, registered: known)]
        default:
            guard let executorId = executors.executorId(forPeer: peer) else {
                logger.info("message from an unregistered executor; asking it to register", metadata: ["type": "\(envelope.type.rawValue)"])
                return [try heartbeat(on: .work, to: peer, registered: false)]
            }
            executors.touch(peer: peer, now: now)
            return try receiveJobMessage(envelope, from: peer, executorId: executorId, now: now)
        }
    }

    private func receiveJobMessage(_ envelope: Envelope, from peer: Data, executorId: String, now: Int64) throws -> [Outbound] {
        switch envelope.type {
        case .jobAccepted:
            let accepted = try WireCodec.decode(JobAccepted.self, from: envelope)
            guard !accepted.accepted, var job = try ledger.job(id: accepted.jobId), job.status == .dispatched,
                job.executorId == executorId
            else { return [] }
            logger.info("executor refused a job; queueing it again", metadata: [
                "job.id": "\(job.id)", "executor.id": "\(executorId)", "reason": "\(accepted.reason ?? "none")",
            ])
            executors.release(jobId: job.id)
            job.status = .queued
            job.executorId = nil
            try ledger.apply(LedgerChanges(jobs: [job]))
            return try dispatchQueuedJobs()

        case .jobStarted:
            let started = try WireCodec.decode(JobStarted.self, from: envelope)
            guard var job = try ledger.job(id: started.jobId), job.executorId == executorId,
                job.attempt == started.attempt, job.status == .dispatched || job.status == .running
            else {
                logger.warning("a job started that is not this executor's to run; cancelling it", metadata: [
                    "job.id": "\(started.jobId)", "executor.id": "\(executorId)",
                ])
                return [try message(CancelJob(jobId: started.jobId, reason: "not assigned to this executor"), on: .work, to: peer)]
            }
            job.status = .running
            job.startedAt = job.startedAt ?? started.startedAt
            try ledger.apply(LedgerChanges(jobs: [job]))
            lastTyping[job.id] = nil
            return try typingActions(now: now)

        case .jobProgress:
            let progress = try WireCodec.decode(JobProgress.self, from: envelope)
            logger.debug("job progress", metadata: [
                "job.id": "\(progress.jobId)", "kind": "\(progress.kind.rawValue)", "tool": "\(progress.toolName ?? "-")",
            ])
            return []

        case .permissionRequest:
            let request = try WireCodec.decode(PermissionRequest.self, from: envelope)
            return [try decidePermission(request, executorId: executorId, peer: peer, now: now)]

        case .jobResult:
            let result = try WireCodec.decode(JobResult.self, from: envelope)
            return try finish(result, executorId: executorId, peer: peer, now: now)

        default:
            logger.warning("unexpected message on work", metadata: ["type": "\(envelope.type.rawValue)"])
            return []
        }
    }

    private func receiveDelivery(_ envelope: Envelope, from peer: Data) throws -> [Outbound] {
        let now = clock.now()
        switch envelope.type {
        case .egressReady:
            let ready = try WireCodec.decode(EgressReady.self, from: envelope)
            egress.register(egressId: ready.egressId, peer: peer, capacity: ready.capacity, now: now)
            logger.info("egress registered", metadata: ["egress.id": "\(ready.egressId)"])
            return [try heartbeat(on: .delivery, to: peer, registered: true)] + (try pumpOutbox())
        case .heartbeat:
            let known = egress.touch(peer: peer, now: now)
            return [try heartbeat(on: .delivery, to: peer, registered: known)]
        case .deliveryResult:
            egress.touch(peer: peer, now: now)
            let result = try WireCodec.decode(DeliveryResult.self, from: envelope)
            try record(result, now: now)
            return try pumpOutbox()
        default:
            logger.warning("unexpected message on delivery", metadata: ["type": "\(envelope.type.rawValue)"])
            return []
        }
    }

    // MARK: - Intake

    private func commit(_ update: InboundUpdate) throws -> UpdateAck.Outcome {
        let now = clock.now()
        let decision = intake.decide(update)
        let userId = update.sender?.id
        let chatId = update.chat?.id
        var changes = LedgerChanges(newUpdate: UpdateRecord(
            updateId: update.updateId, receivedAt: update.receivedAt, committedAt: now, userId: userId, chatId: chatId,
            kind: update.kind.rawValue, disposition: "ignored"))

        switch decision {
        case .runPrompt(let prompt):
            guard let userId, let chatId else { break }
            changes.newUpdate?.disposition = "job"
            let job = JobRecord(
                id: UUID().uuidString.lowercased(), updateId: update.updateId, userId: userId, chatId: chatId,
                threadId: update.chat?.threadId, replyToMessageId: update.messageId, workspace: "", prompt: prompt,
                status: .queued, executorId: nil, attempt: 0, createdAt: now)
            changes.jobs.append(job)
            changes.audit.append(AuditEvent(at: now, userId: userId, event: "request.accepted", detail: "job \(job.id)"))
        case .reply(let text, let event, let reason):
            changes.newUpdate?.disposition = "reply"
            if let chatId {
                changes.outbox.append(reply(text, format: .plain, chatId: chatId, threadId: update.chat?.threadId,
                                            replyTo: update.messageId, jobId: nil, now: now))
            }
            changes.audit.append(AuditEvent(at: now, userId: userId, event: event, detail: reason))
        case .ignore(let reason):
            changes.audit.append(AuditEvent(at: now, userId: userId, event: "update.ignored", detail: reason))
        }

        let applied = try ledger.apply(changes)
        logger.info(applied ? "update committed" : "duplicate update ignored", metadata: [
            "update.id": "\(update.updateId)", "user.id": "\(userId.map(String.init) ?? "-")",
            "disposition": "\(changes.newUpdate?.disposition ?? "-")",
        ])
        return applied ? .committed : .duplicate
    }

    private func reply(
        _ text: String, format: Delivery.Format, chatId: Int64, threadId: Int64?, replyTo: Int64?, jobId: String?, now: Int64
    ) -> OutboxRecord {
        OutboxRecord(
            id: UUID().uuidString.lowercased(), jobId: jobId, chatId: chatId, threadId: threadId,
            replyToMessageId: replyTo, text: text, format: format.rawValue, status: .pending, attempts: 0,
            nextAttemptAt: now, createdAt: now)
    }

    // MARK: - Executors and jobs

    private func register(_ ready: ExecutorReady, peer: Data, now: Int64) throws -> [Outbound] {
        executors.register(
            executorId: ready.executorId, peer: peer, host: ready.host, capacity: ready.capacity,
            runningJobIds: ready.runningJobIds, now: now)
        logger.info("executor registered", metadata: [
            "executor.id": "\(ready.executorId)", "executor.host": "\(ready.host)", "capacity": "\(ready.capacity)",
            "running": "\(ready.runningJobIds.count)",
        ])
        // Jobs the ledger gives this executor that it no longer reports were lost with its previous life.
        let reported = Set(ready.runningJobIds)
        let lost = try ledger.jobs(in: [.dispatched, .running]).filter {
            $0.executorId == ready.executorId && !reported.contains($0.id)
        }
        var out = [try heartbeat(on: .work, to: peer, registered: true)]
        try handleLostJobs(lost, now: now)
        out += try dispatchQueuedJobs()
        out += try pumpOutbox()
        return out
    }

    /// Jobs whose executor is gone: those not started go back to the queue; started ones are interrupted and the
    /// user is told. Nothing re-runs silently.
    private func handleLostJobs(_ jobs: [JobRecord], now: Int64) throws {
        guard !jobs.isEmpty else { return }
        var changes = LedgerChanges()
        for var job in jobs {
            executors.release(jobId: job.id)
            lastTyping[job.id] = nil
            if job.status == .dispatched {
                logger.info("re-queueing a job its executor never started", metadata: [
                    "job.id": "\(job.id)", "executor.id": "\(job.executorId ?? "-")",
                ])
                job.status = .queued
                job.executorId = nil
            } else {
                logger.warning("job interrupted: its executor is gone", metadata: [
                    "job.id": "\(job.id)", "executor.id": "\(job.executorId ?? "-")",
                ])
                job.status = .interrupted
                job.finishedAt = now
                job.prompt = ""
                job.outcome = "interrupted"
                changes.outbox.append(reply(ReplyTexts.interrupted, format: .plain, chatId: job.chatId,
                                            threadId: job.threadId, replyTo: job.replyToMessageId, jobId: job.id, now: now))
                changes.audit.append(AuditEvent(at: now, userId: job.userId, event: "job.interrupted", detail: "job \(job.id)"))
            }
            changes.jobs.append(job)
        }
        try ledger.apply(changes)
    }

    /// Hands queued jobs to free executor slots, oldest first, one running job per user at a time (so a user's
    /// messages run in order and each continues the session the previous one left).
    private func dispatchQueuedJobs() throws -> [Outbound] {
        guard executors.totalFreeSlots > 0 else { return [] }
        let now = clock.now()
        let active = try ledger.jobs(in: [.queued, .dispatched, .running])
        var busyUsers = Set(active.filter { $0.status != .queued }.map(\.userId))
        var out: [Outbound] = []
        for var job in active where job.status == .queued && !busyUsers.contains(job.userId) {
            let session = try ledger.session(userId: job.userId, workspace: job.workspace)
            var resume = session?.sessionId
            let holder = session?.executorId
            let member: ExecutorPool.Member
            if let holder, executors.members[holder] != nil {
                // The transcript lives on that executor's disk: wait for a slot there.
                guard let preferred = executors.pick(preferred: holder, requirePreferred: true) else { continue }
                member = preferred
            } else {
                guard let any = executors.pick() else { break }
                member = any
                if resume != nil {
                    logger.info("the executor holding this session is gone; starting a new session", metadata: [
                        "job.id": "\(job.id)", "executor.id": "\(holder ?? "-")",
                    ])
                    resume = nil
                }
            }
            job.status = .dispatched
            job.executorId = member.executorId
            job.attempt += 1
            job.dispatchedAt = now
            job.sessionId = resume
            try ledger.apply(LedgerChanges(jobs: [job]))
            executors.assign(jobId: job.id, to: member.executorId, now: now)
            busyUsers.insert(job.userId)
            let assignment = JobAssignment(
                jobId: job.id, attempt: job.attempt, userId: job.userId, chatId: job.chatId, workspace: job.workspace,
                prompt: job.prompt, resumeSessionId: resume, model: configuration.claude.model,
                maxTurns: configuration.claude.maxTurns, timeoutSeconds: configuration.claude.timeoutSeconds,
                issuedAt: now)
            logger.info("job dispatched", metadata: [
                "job.id": "\(job.id)", "executor.id": "\(member.executorId)", "attempt": "\(job.attempt)",
            ])
            out.append(try message(assignment, on: .work, to: member.peer))
            if executors.totalFreeSlots == 0 { break }
        }
        return out
    }

    private func decidePermission(_ request: PermissionRequest, executorId: String, peer: Data, now: Int64) throws -> Outbound {
        let decision: ToolPolicy.Decision
        let job = try ledger.job(id: request.jobId)
        if let job, job.executorId == executorId, job.status == .running || job.status == .dispatched {
            let workspace = workspacePath(job.workspace)
            decision = tools.decide(toolName: request.toolName, input: request.input, workspace: workspace)
        } else {
            decision = .deny(reason: "the job is not running on this executor")
        }
        let allowed = decision == .allow
        var reason: String?
        if case .deny(let why) = decision { reason = why }
        try ledger.apply(LedgerChanges(audit: [AuditEvent(
            at: now, userId: job?.userId, event: allowed ? "tool.allowed" : "tool.denied",
            detail: "\(request.toolName) job \(request.jobId)" + (reason.map { ": \($0)" } ?? ""))]))
        logger.info("tool decision", metadata: [
            "job.id": "\(request.jobId)", "tool": "\(request.toolName)", "allowed": "\(allowed)",
        ])
        return try message(
            PermissionDecision(jobId: request.jobId, requestId: request.requestId, allow: allowed, message: reason),
            on: .work, to: peer)
    }

    private func finish(_ result: JobResult, executorId: String, peer: Data, now: Int64) throws -> [Outbound] {
        let ack = try message(JobResultAck(jobId: result.jobId), on: .work, to: peer)
        guard var job = try ledger.job(id: result.jobId) else {
            logger.warning("result for an unknown job", metadata: ["job.id": "\(result.jobId)"])
            return [ack]
        }
        guard !job.status.isFinal else { return [ack] }  // a re-sent result: already recorded
        executors.release(jobId: job.id)
        lastTyping[job.id] = nil

        let text: String
        let format: Delivery.Format
        switch result.outcome {
        case .completed:
            let answer = result.text?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            text = answer.isEmpty ? ReplyTexts.emptyAnswer : answer
            format = answer.isEmpty ? .plain : .markdown
            job.status = .done
        case .failed:
            let incident = String(UUID().uuidString.prefix(8)).lowercased()
            logger.error("job failed", metadata: [
                "job.id": "\(job.id)", "incident": "\(incident)", "executor.id": "\(executorId)",
                "detail": "\(result.errorDetail ?? "none")",
            ])
            text = ReplyTexts.failed(incident: incident)
            format = .plain
            job.status = .done
        case .cancelled:
            text = ReplyTexts.cancelled
            format = .plain
            job.status = .cancelled
        case .timedOut:
            text = ReplyTexts.timedOut(seconds: configuration.claude.timeoutSeconds)
            format = .plain
            job.status = .done
        }
        job.finishedAt = result.finishedAt
        job.outcome = result.outcome.rawValue
        job.costUSD = result.costUSD
        job.errorDetail = result.errorDetail
        job.prompt = ""
        if let sessionId = result.sessionId { job.sessionId = sessionId }

        var changes = LedgerChanges(jobs: [job])
        changes.outbox.append(reply(text, format: format, chatId: job.chatId, threadId: job.threadId,
                                    replyTo: job.replyToMessageId, jobId: job.id, now: now))
        if let sessionId = result.sessionId {
            changes.sessions.append(SessionRecord(
                userId: job.userId, workspace: job.workspace, sessionId: sessionId, executorId: executorId, updatedAt: now))
        }
        changes.audit.append(AuditEvent(
            at: now, userId: job.userId, event: "job.finished",
            detail: "job \(job.id) \(result.outcome.rawValue) cost \(result.costUSD.map { String(format: "%.6f", $0) } ?? "-")"))
        try ledger.apply(changes)
        logger.info("job finished", metadata: [
            "job.id": "\(job.id)", "outcome": "\(result.outcome.rawValue)",
            "cost.usd": "\(result.costUSD.map { String($0) } ?? "-")",
        ])
        return [ack] + (try dispatchQueuedJobs()) + (try pumpOutbox())
    }

    private func workspacePath(_ relative: String) -> String {
        let root = configuration.approvedDirectory.hasSuffix("/") && configuration.approvedDirectory.count > 1
            ? String(configuration.approvedDirectory.dropLast()) : configuration.approvedDirectory
        return relative.isEmpty ? root : root + "/" + relative
    }

    // MARK: - Delivery

    private func record(_ result: DeliveryResult, now: Int64) throws {
        inFlight[result.deliveryId] = nil
        guard var entry = try ledger.outbox(id: result.deliveryId), entry.status == .pending else { return }
        switch result.status {
        case .sent:
            entry.status = .sent
            entry.sentAt = now
            entry.telegramMessageIds = result.telegramMessageIds.map(String.init).joined(separator: ",")
            logger.info("reply delivered", metadata: ["delivery.id": "\(entry.id)", "chat.id": "\(entry.chatId)"])
        case .rejected:
            entry.status = .rejected
            entry.lastError = result.error
            logger.warning("reply rejected by Telegram", metadata: [
                "delivery.id": "\(entry.id)", "chat.id": "\(entry.chatId)", "error": "\(result.error ?? "-")",
            ])
        case .retry:
            let backoff = min(60_000, 1_000 * Int64(1 << min(entry.attempts, 6)))
            entry.nextAttemptAt = now + max(result.retryAfterMs ?? 0, backoff)
            entry.lastError = result.error
        }
        try ledger.apply(LedgerChanges(outbox: [entry]))
    }

    /// Hands due outbox entries to egress: at most one in flight per chat, so a chat's replies arrive in order.
    private func pumpOutbox() throws -> [Outbound] {
        guard egress.hasCapacity(inFlight: inFlight.count) else { return [] }
        let now = clock.now()
        var busyChats = Set(inFlight.values.map(\.chatId))
        var out: [Outbound] = []
        var updated: [OutboxRecord] = []
        for var entry in try ledger.dueOutbox(now: now, limit: 200) {
            guard inFlight[entry.id] == nil, !busyChats.contains(entry.chatId) else { continue }
            guard let peer = egress.pick(inFlight: inFlight) else { break }
            let delivery = Delivery(
                deliveryId: entry.id, kind: .message, chatId: entry.chatId, threadId: entry.threadId,
                replyToMessageId: entry.replyToMessageId, text: entry.text,
                format: Delivery.Format(rawValue: entry.format) ?? .plain)
            out.append(try message(delivery, on: .delivery, to: peer))
            inFlight[entry.id] = InFlightDelivery(peer: peer, chatId: entry.chatId, sentAt: now)
            busyChats.insert(entry.chatId)
            entry.attempts += 1
            entry.nextAttemptAt = now + configuration.timing.deliveryTimeoutMs
            updated.append(entry)
        }
        if !updated.isEmpty { try ledger.apply(LedgerChanges(outbox: updated)) }
        return out
    }

    private func typingActions(now: Int64) throws -> [Outbound] {
        var out: [Outbound] = []
        for job in try ledger.jobs(in: [.running]) {
            if let last = lastTyping[job.id], now - last < configuration.timing.typingIntervalMs { continue }
            guard let peer = egress.pick(inFlight: inFlight) else { break }
            lastTyping[job.id] = now
            let action = Delivery(
                deliveryId: "typing-\(job.id)-\(now)", kind: .chatAction, chatId: job.chatId, threadId: job.threadId,
                chatAction: "typing")
            out.append(try message(action, on: .delivery, to: peer))
        }
        return out
    }

    // MARK: - Time passing

    /// Called about every 250 ms: liveness, re-dispatch, re-delivery, typing.
    public func tick() -> [Outbound] {
        let now = clock.now()
        do {
            var out: [Outbound] = []
            let timeout = configuration.timing.peerTimeoutMs
            for dead in executors.expire(now: now, timeout: timeout) {
                logger.warning("executor presumed dead", metadata: [
                    "executor.id": "\(dead.executorId)", "silent.ms": "\(now - dead.lastSeen)",
                ])
            }
            // Jobs whose executor is not registered: after a restart, give executors one timeout to come back.
            if now - startedAt > timeout {
                let orphaned = try ledger.jobs(in: [.dispatched, .running]).filter {
                    guard let id = $0.executorId else { return true }
                    return executors.members[id] == nil
                }
                try handleLostJobs(orphaned, now: now)
            }
            for peer in egress.expire(now: now, timeout: timeout) {
                for (id, flight) in inFlight where flight.peer == peer { inFlight[id] = nil }
            }
            for (id, flight) in inFlight where now - flight.sentAt > configuration.timing.deliveryTimeoutMs {
                inFlight[id] = nil
            }
            out += try dispatchQueuedJobs()
            out += try pumpOutbox()
            out += try typingActions(now: now)
            return out
        } catch {
            logger.error("guard tick failed", metadata: ["error": "\(error)"])
            return []
        }
    }

    // MARK: - Encoding

    private func heartbeat(on link: GuardLink, to peer: Data, registered: Bool?) throws -> Outbound {
        try message(Heartbeat(senderId: instanceId, sentAt: clock.now(), registered: registered), on: link, to: peer)
    }

    private func message<M: WireMessage>(_ message: M, on link: GuardLink, to peer: Data) throws -> Outbound {
        Outbound(link: link, peer: peer, frames: try WireCodec.encode(message))
    }
}
