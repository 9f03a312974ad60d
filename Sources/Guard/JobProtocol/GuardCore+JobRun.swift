import AccessControl
import Foundation
import Ledger
import Messages

/// Walk, step 3 of 4 — a job runs: queued jobs go to free executor slots (with their status message), the executor
/// accepts and starts them, reports progress, and its result becomes the answer in the outbox. Tool questions are
/// `+ToolDecisions`/`+Approvals`; executors registering or going away, and lost attempts, `+Executors`.
extension GuardCore {
    func receiveWork(_ envelope: Envelope, from peer: Data) throws -> [Outbound] {
        let now = clock.now()
        switch envelope.type {
        case .executorReady:
            return try register(try WireCodec.decode(ExecutorReady.self, from: envelope), peer: peer, now: now)
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

    private func receiveJobMessage(_ envelope: Envelope, from peer: Data, executorId: String, now: EpochMillis) throws -> [Outbound] {
        switch envelope.type {
        case .jobAccepted:
            return try accepted(try WireCodec.decode(JobAccepted.self, from: envelope), executorId: executorId, peer: peer)
        case .jobStarted:
            return try started(try WireCodec.decode(JobStarted.self, from: envelope), executorId: executorId, peer: peer, now: now)
        case .jobProgress:
            statuses.note(try WireCodec.decode(JobProgress.self, from: envelope))
            return []
        case .permissionRequest:
            let request = try WireCodec.decode(PermissionRequest.self, from: envelope)
            return try decidePermission(request, executorId: executorId, peer: peer, now: now)
        case .jobResult:
            return try finish(try WireCodec.decode(JobResult.self, from: envelope), executorId: executorId, peer: peer, now: now)
        case .fileResult:
            return try receiveFileResult(try WireCodec.decode(FileResult.self, from: envelope), now: now)
        case .fileToChat:
            return try receiveFileToChat(try WireCodec.decode(FileToChat.self, from: envelope), executorId: executorId, peer: peer, now: now)
        default:
            logger.warning("unexpected message on work", metadata: ["type": "\(envelope.type.rawValue)"])
            return []
        }
    }

    /// Hands queued jobs to free executor slots, oldest first, one running job per user at a time (so a user's
    /// messages run in order and each continues the session the previous one left).
    func dispatchQueuedJobs() throws -> [Outbound] {
        guard executors.totalFreeSlots > 0 else { return [] }
        let now = clock.now()
        let active = try ledger.jobs(in: [.queued, .dispatched, .running])
        var busyUsers = Set(active.filter { $0.status != .queued }.map(\.userId))
        var out: [Outbound] = []
        for var job in active where job.status == .queued && !busyUsers.contains(job.userId) && (job.notBefore ?? 0) <= now {
            // A scheduled or webhook run starts a fresh session: it must not continue (or be continued by) its owner's chat.
            let session = job.trigger == nil ? try ledger.session(userId: job.userId, workspace: job.workspace) : nil
            var resume = session?.sessionId
            let holder = session?.executorId
            let member: ExecutorPool.Member
            if let holder, executors.members[holder] != nil, !configuration.sharedSessions {
                // The transcript lives on that executor's disk: wait for a slot there.
                guard let preferred = executors.pick(preferred: holder, requirePreferred: true) else { continue }
                member = preferred
            } else {
                guard let any = executors.pick() else { break }
                member = any
                if resume != nil && !configuration.sharedSessions {
                    logger.info("the executor holding this session is gone; starting a new session", metadata: [
                        "job.id": "\(job.id)", "executor.id": "\(holder ?? "-")",
                    ])
                    resume = nil
                    try ledger.apply(LedgerChanges(outbox: [reply(
                        ReplyTexts.sessionHolderGone, chatId: job.chatId, threadId: job.threadId, replyTo: nil, now: now)]))
                }
            }
            job.status = .dispatched
            job.executorId = member.executorId
            job.attempt += 1
            job.dispatchedAt = now
            job.sessionId = resume
            Self.recordHop("queue", ms: now - job.createdAt)
            var changes = LedgerChanges(jobs: [job])
            if !statuses.hasStatus(job.id) && job.startedAt == nil { try makeStatus(for: job, changes: &changes, now: now) }
            try ledger.apply(changes)
            executors.assign(jobId: job.id, to: member.executorId, now: now)
            busyUsers.insert(job.userId)
            var unsigned = JobAssignment(
                jobId: job.id, attempt: job.attempt, userId: job.userId, chatId: job.chatId, workspace: job.workspace,
                prompt: job.prompt, resumeSessionId: resume, model: try launchModel(of: job),
                maxTurns: configuration.claude.maxTurns, timeoutSeconds: configuration.claude.timeoutSeconds,
                issuedAt: now)
            unsigned.maxBudgetUSD = try launchBudget(of: job, now: now)
            unsigned.files = try files(of: job)
            unsigned.localReads = tools.defaultsHoldForReads
            unsigned.updateId = job.updateId
            unsigned.root = workspaces.root(of: job.userId)
            let assignment = configuration.jobSigner?.sign(unsigned) ?? unsigned
            logger.info("job dispatched", metadata: [
                "job.id": "\(job.id)", "executor.id": "\(member.executorId)", "attempt": "\(job.attempt)",
                "update.id": "\(job.updateId.map(String.init) ?? "-")",
            ])
            out.append(try message(assignment, on: .work, to: member.peer))
            if executors.totalFreeSlots == 0 { break }
        }
        return out.isEmpty ? out : out + (try sendPendingStatusMessages())
    }

    /// The model a job runs with: its rule's, else the person's choice, else the configured one.
    func launchModel(of job: JobRecord) throws -> String? {
        try job.model ?? ledger.preferences(userId: job.userId)?.model ?? configuration.claude.model
    }

    /// What a job may spend: the least of what the cost limits leave its person now and its rule's own cap.
    func launchBudget(of job: JobRecord, now: EpochMillis) throws -> Double? {
        [try runBudget(userId: job.userId, now: now), job.maxBudgetUSD].compactMap { $0 }.min()
    }

    /// Every run's cost over the last 24 hours.
    func recentCosts(now: EpochMillis) throws -> [CostEntry] {
        try ledger.usage(since: now - CostLimits.dayMs).map(Self.costEntry)
    }

    /// One person's runs over the last 24 hours.
    func recentCosts(userId: Int64, now: EpochMillis) throws -> [CostEntry] {
        try ledger.usage(userId: userId, since: now - CostLimits.dayMs).map(Self.costEntry)
    }

    private static func costEntry(_ usage: UsageRecord) -> CostEntry {
        CostEntry(at: usage.at, userId: usage.userId, costUsd: usage.costUSD)
    }

    /// The most one run may spend now: the per-request limit, and what is left of the person's and the global
    /// daily budgets, whichever is least (nil when nothing limits it).
    func runBudget(userId: Int64, now: EpochMillis) throws -> Double? {
        let limits = configuration.access.costLimits
        guard limits.perRequestUsd != nil || limits.perUserDailyUsd != nil || limits.globalDailyUsd != nil else { return nil }
        var budget: [Double] = []
        if let perRequest = limits.perRequestUsd { budget.append(perRequest) }
        if let perUser = limits.perUserDailyUsd { budget.append(perUser - (try dayTotal(userId: userId, now: now))) }
        if let global = limits.globalDailyUsd { budget.append(global - (try dayTotal(userId: nil, now: now))) }
        return budget.min().map { max(0.01, $0) }
    }

    /// What one person (nil: everyone) spent in the last 24 hours, counted as `CostLimits` counts it, summed by the
    /// ledger rather than read run by run.
    func dayTotal(userId: Int64?, now: EpochMillis) throws -> Double {
        try ledger.countedUsageTotal(userId: userId, after: now - CostLimits.dayMs)
    }

    /// The uploads to send with a job's assignment.
    func files(of job: JobRecord) throws -> [JobFile]? {
        let records = try ledger.jobFiles(jobId: job.id)
        guard !records.isEmpty else { return nil }
        return records.map { JobFile(name: $0.name, data: Data(base64Encoded: $0.data) ?? Data(), isImage: $0.isImage) }
    }

    /// A job's status message and its Stop button, made when the job is first dispatched (the moment it starts
    /// working for the person: right after the commit when nothing of theirs is running), so that the person sees
    /// it at once rather than after the CLI has started. The button is stored with `changes`.
    func makeStatus(for job: JobRecord, changes: inout LedgerChanges, now: EpochMillis) throws {
        let stop = ButtonRecord(
            nonce: Self.shortId(), action: .stop, jobId: job.id, userId: job.userId, chatId: job.chatId, createdAt: now,
            expiresAt: now + Int64(configuration.claude.timeoutSeconds + 600) * 1000)
        changes.buttons.append(stop)
        let verbosity = try ledger.preferences(userId: job.userId)?.verbosity ?? 1
        statuses.open(jobId: job.id, stopNonce: stop.nonce, verbosity: verbosity, now: now)
    }

    private func accepted(_ accepted: JobAccepted, executorId: String, peer: Data) throws -> [Outbound] {
        guard var job = try ledger.job(id: accepted.jobId), job.executorId == executorId, job.attempt == accepted.attempt,
            job.status == .dispatched || job.status == .running
        else {
            // Not (or no longer) this executor's job: make sure it does not run it.
            guard accepted.accepted else { return [] }
            logger.warning("an executor took a job that is not its own; cancelling it there", metadata: [
                "job.id": "\(accepted.jobId)", "executor.id": "\(executorId)",
            ])
            return [try message(CancelJob(jobId: accepted.jobId, reason: "not assigned to this executor"), on: .work, to: peer)]
        }
        guard accepted.accepted else {
            guard job.status == .dispatched else { return [] }
            if let refusal = accepted.refusalCode, refusal.isVerificationFailure {
                // Our own fresh signature failed there: the keys do not match, and every job would bounce.
                logger.error("executor refuses the guard's job signatures; it gets no more jobs until it registers again (check GATEHOUSE_JOB_PUBLIC_KEY_FILE on its host)", metadata: [
                    "executor.id": "\(executorId)", "refusal": "\(refusal.rawValue)",
                ])
                executors.suspend(executorId: executorId)
            }
            logger.info("executor refused a job; queueing it again", metadata: [
                "job.id": "\(job.id)", "executor.id": "\(executorId)", "reason": "\(accepted.reason ?? "none")",
            ])
            executors.release(jobId: job.id)
            job.status = .queued
            job.executorId = nil
            try ledger.apply(LedgerChanges(jobs: [job]))
            return try dispatchQueuedJobs()
        }
        executors.accept(jobId: job.id)
        if job.status == .dispatched {
            // From this commit on, the job may have run: it is never dispatched again, only interrupted.
            job.status = .running
            try ledger.apply(LedgerChanges(jobs: [job]))
        }
        return [try message(JobGo(jobId: job.id, attempt: job.attempt), on: .work, to: peer)]
    }

    private func started(_ started: JobStarted, executorId: String, peer: Data, now: EpochMillis) throws -> [Outbound] {
        guard var job = try ledger.job(id: started.jobId), job.executorId == executorId,
            job.attempt == started.attempt, job.status == .running
        else {
            logger.warning("a job started that is not this executor's to run; cancelling it", metadata: [
                "job.id": "\(started.jobId)", "executor.id": "\(executorId)",
            ])
            return [try message(CancelJob(jobId: started.jobId, reason: "not assigned to this executor"), on: .work, to: peer)]
        }
        executors.accept(jobId: job.id)
        // The status message was made at dispatch, and a restarted job keeps the one of its first start; only a
        // guard restarted since then has none in memory.
        var changes = LedgerChanges()
        if !statuses.hasStatus(job.id) { try makeStatus(for: job, changes: &changes, now: now) }
        guard job.startedAt == nil || !changes.buttons.isEmpty else { return [] }
        job.startedAt = job.startedAt ?? started.startedAt
        changes.jobs.append(job)
        try ledger.apply(changes)
        return try sendPendingStatusMessages() + (try typingActions(now: now))
    }

    private func finish(_ result: JobResult, executorId: String, peer: Data, now: EpochMillis) throws -> [Outbound] {
        let ack = try message(JobResultAck(jobId: result.jobId), on: .work, to: peer)
        guard var job = try ledger.job(id: result.jobId) else {
            logger.warning("result for an unknown job", metadata: ["job.id": "\(result.jobId)"])
            return [ack]
        }
        guard !job.status.isFinal else { return [ack] }  // a re-sent result: already recorded
        guard job.executorId == executorId, job.attempt == result.attempt else {
            // A result for an attempt that is no longer current (the job was dispatched again): never a reply.
            logger.warning("ignored a result of a superseded attempt", metadata: [
                "job.id": "\(job.id)", "executor.id": "\(executorId)", "attempt": "\(result.attempt)",
            ])
            return [ack]
        }
        executors.release(jobId: job.id)
        statuses.stopTyping(job.id)
        if let cause = try loss(of: result, job: job) {
            var changes = LedgerChanges()
            let out = try loseAttempt(&job, cause: cause, now: now, changes: &changes)
            changes.jobs.append(job)
            try ledger.apply(changes)
            return [ack] + out + (try dispatchQueuedJobs()) + (try pumpOutbox())
        }
        statuses.drop(job.id)

        let incident = Self.shortId()
        if result.outcome == .failed, result.refusalNotice == nil {
            logger.error("job failed", metadata: [
                "job.id": "\(job.id)", "incident": "\(incident)", "executor.id": "\(executorId)",
                "detail": "\(result.errorDetail ?? "none")",
            ])
        }
        let answer = ResultReply.of(result, timeoutSeconds: configuration.claude.timeoutSeconds, incident: incident)
        job.status = answer.status
        job.finishedAt = result.finishedAt
        job.outcome = result.outcome.rawValue
        job.costUSD = result.costUSD
        job.errorDetail = result.errorDetail
        let prompt = job.prompt
        job.prompt = ""
        if let sessionId = result.sessionId { job.sessionId = sessionId }

        var changes = LedgerChanges(jobs: [job])
        if let cost = result.costUSD, cost > 0 {
            changes.usage.append(UsageRecord(jobId: job.id, userId: job.userId, at: now, costUSD: cost))
        }
        if result.outcome == .overBudget {
            changes.audit.append(AuditEvent(at: now, userId: job.userId, event: .limitCost, detail: "job \(job.id) stopped at its budget"))
        }
        // In a git project the answer carries the quick actions chosen from what the executor saw after the run.
        var buttons: [[Delivery.Button]]?
        if result.outcome == .completed, let project = result.project, project.isGitRepository {
            let owner = CommandRequest(userId: job.userId, chatId: job.chatId, messageId: nil, standing: .user)
            buttons = quickActionButtons(QuickActions.choose(project), owner, changes: &changes, now: now)
        }
        changes.outbox.append(reply(answer.text, format: answer.format, chatId: job.chatId, threadId: job.threadId,
                                    replyTo: job.replyToMessageId, jobId: job.id, buttons: buttons, now: now))
        // A notification's other chats get the answer too (without buttons: those act in the first chat).
        for chatId in job.copyChatIds {
            changes.outbox.append(reply(answer.text, format: answer.format, chatId: chatId, threadId: nil, replyTo: nil, now: now))
        }
        if let sessionId = result.sessionId {
            // "Allow for this session" rules made during the job now belong to its session.
            for rule in try ledger.rules(scopes: ["job:\(job.id)"]) {
                changes.rules.append(SessionRuleRecord(scope: "session:\(sessionId)", toolName: rule.toolName, signature: rule.signature, createdAt: now))
            }
        }
        let closing = try closeApprovals(ofJob: job.id, because: "the job ended", now: now, changes: &changes)
        // Only a session whose transcript exists is continued later: a CLI killed before it saved its first turn
        // leaves an id that no `--resume` can open.
        let saved = result.sessionSaved ?? (result.outcome == .completed)
        let ownSession = job.trigger == nil
        if ownSession && result.freshSession == true && !(saved && result.sessionId != nil) {
            changes.endedSessions.append(SessionKey(userId: job.userId, workspace: job.workspace))
        }
        if let sessionId = result.sessionId, saved {
            if ownSession {
                changes.sessions.append(SessionRecord(
                    userId: job.userId, workspace: job.workspace, sessionId: sessionId, executorId: executorId, updatedAt: now))
            }
            var history = try ledger.sessionHistory(sessionId: sessionId) ?? SessionHistoryRecord(
                sessionId: sessionId, userId: job.userId, workspace: job.workspace, executorId: executorId,
                startedAt: job.startedAt ?? now, lastUsedAt: now, firstPrompt: String(prompt.prefix(200)), costUSD: 0, runs: 0)
            history.lastUsedAt = now
            history.executorId = executorId
            history.costUSD += result.costUSD ?? 0
            history.runs += 1
            changes.sessionHistory.append(history)
        }
        changes.audit.append(AuditEvent(
            at: now, userId: job.userId, event: .jobFinished,
            detail: "job \(job.id) \(result.outcome.rawValue) cost \(result.costUSD.map { String(format: "%.6f", $0) } ?? "-")"))
        try ledger.apply(changes)
        Self.recordJobEnd(job, result)
        logger.info("job finished", metadata: [
            "job.id": "\(job.id)", "outcome": "\(result.outcome.rawValue)",
            "cost.usd": "\(result.costUSD.map { String($0) } ?? "-")",
        ])
        // The acknowledgement says how the person's next prompt would start, for a warm CLI on that executor.
        let next = saved && result.outcome == .completed ? try nextLaunch(after: job, sessionId: result.sessionId, now: now) : nil
        let finalAck = next == nil ? ack : try message(JobResultAck(jobId: result.jobId, nextLaunch: next), on: .work, to: peer)
        // The answer goes to egress before the status message's removal, which would otherwise be first in that
        // chat's line and hold the answer for the length of its own call.
        return [finalAck] + closing + (try dispatchQueuedJobs()) + (try pumpOutbox()) + removeStatusMessage(of: job)
    }

    /// What a result says about its attempt: lost (the CLI died, or went silent past its time limit before any
    /// tool ran and no question was waiting for the person), or nil for an ending to report as it is.
    func loss(of result: JobResult, job: JobRecord) throws -> AttemptLoss? {
        switch result.outcome {
        case .failed where result.cliDied == true:
            return .cliDied
        case .timedOut:
            guard try ledger.jobTools(jobId: job.id, attempt: job.attempt).isEmpty,
                !approvals.waits(forJob: job.id)
            else { return nil }
            return .silentTimeout
        default:
            return nil
        }
    }

    /// How the person's next prompt after `job` would be started, computed as `dispatchQueuedJobs` will (same model,
    /// budget, limits), for an executor that keeps a warm CLI ready; nil for a run that is not the person's chat
    /// session (a schedule or webhook run) or left no session to continue, and with `SHARED_SESSIONS` (another
    /// executor may continue the session meanwhile, under the warm CLI's feet).
    func nextLaunch(after job: JobRecord, sessionId: String?, now: EpochMillis) throws -> WarmLaunch? {
        guard job.trigger == nil, !configuration.sharedSessions, let sessionId else { return nil }
        var next = job
        next.model = nil
        next.maxBudgetUSD = nil
        return WarmLaunch(
            userId: job.userId, workspace: job.workspace, resumeSessionId: sessionId, model: try launchModel(of: next),
            maxTurns: configuration.claude.maxTurns, maxBudgetUSD: try launchBudget(of: next, now: now),
            timeoutSeconds: configuration.claude.timeoutSeconds)
    }
}
