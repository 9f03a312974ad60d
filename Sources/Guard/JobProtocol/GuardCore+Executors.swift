import Foundation
import Ledger
import Messages
import ToolPolicy

/// Executors coming and going, and the attempts lost with them. The guard has seen (and allowed) every tool call of
/// every attempt, so it knows whether a lost attempt could have changed anything. One that allowed nothing changing
/// is dispatched again by itself (a new attempt, at most `maxRestarts` times per job, after a short backoff); any
/// other is interrupted, and the person is told which actions had run, with a Retry button.
extension GuardCore {
    func register(_ ready: ExecutorReady, peer: Data, now: EpochMillis) throws -> [Outbound] {
        let sameProcess = executors.register(
            executorId: ready.executorId, peer: peer, host: ready.host, capacity: ready.capacity,
            runningJobIds: ready.runningJobIds, processId: ready.processId, confinement: ready.confinement, now: now)
        logger.info("executor registered", metadata: [
            "executor.id": "\(ready.executorId)", "executor.host": "\(ready.host)", "capacity": "\(ready.capacity)",
            "running": "\(ready.runningJobIds.count)", "confinement": "\(ready.confinement ?? "unknown")",
        ])
        // Jobs the ledger gives this executor that it no longer reports were lost with its previous life. The same
        // process registering again may simply not have seen a job dispatched a moment ago: those are left to its
        // acceptance or the dispatch timeout.
        let reported = Set(ready.runningJobIds)
        let lost = try ledger.jobs(in: sameProcess ? [.running] : [.dispatched, .running]).filter {
            $0.executorId == ready.executorId && !reported.contains($0.id)
        }
        var out = [try heartbeat(on: .work, to: peer, registered: true)]
        out += try handleLostJobs(lost, now: now)
        // Jobs it still runs that are no longer its own (presumed dead meanwhile, and dispatched again): stopped.
        for jobId in ready.runningJobIds {
            let job = try ledger.job(id: jobId)
            guard job?.executorId != ready.executorId || job.map({ $0.status != .dispatched && $0.status != .running }) ?? true else { continue }
            logger.warning("an executor still runs a job that is no longer its own; cancelling it there", metadata: [
                "job.id": "\(jobId)", "executor.id": "\(ready.executorId)",
            ])
            out.append(try message(CancelJob(jobId: jobId, reason: "no longer assigned to this executor"), on: .work, to: peer))
        }
        out += try sendParkedFileRequests(to: ready.executorId, peer: peer, now: now)
        out += try dispatchQueuedJobs()
        out += try pumpOutbox()
        return out
    }

    /// Executors silent too long are presumed dead; after a guard restart, executors get one timeout to come back.
    func expireExecutors(now: EpochMillis) throws -> [Outbound] {
        let timeout = configuration.timing.peerTimeoutMs
        for dead in executors.expire(now: now, timeout: timeout) {
            logger.warning("executor presumed dead", metadata: [
                "executor.id": "\(dead.executorId)", "silent.ms": "\(now - dead.lastSeen)",
            ])
        }
        guard now - startedAt > timeout else { return [] }
        let orphaned = try ledger.jobs(in: [.dispatched, .running]).filter {
            guard let id = $0.executorId else { return true }
            return executors.members[id] == nil
        }
        return try handleLostJobs(orphaned, now: now)
    }

    /// A job handed out but never taken (the message or the executor was lost) is dispatched again.
    func expireDispatches(now: EpochMillis) throws -> [Outbound] {
        let stale = try ledger.jobs(in: [.dispatched]).filter {
            !executors.hasAccepted($0.id) && now - ($0.dispatchedAt ?? now) > configuration.timing.dispatchTimeoutMs
        }
        guard !stale.isEmpty else { return [] }
        var changes = LedgerChanges()
        var out: [Outbound] = []
        for var job in stale {
            logger.warning("job was not taken by its executor in time; dispatching it again", metadata: [
                "job.id": "\(job.id)", "executor.id": "\(job.executorId ?? "-")", "attempt": "\(job.attempt)",
            ])
            if let executorId = job.executorId, let peer = executors.members[executorId]?.peer {
                out.append(try message(CancelJob(jobId: job.id, reason: "dispatch timed out"), on: .work, to: peer))
            }
            executors.release(jobId: job.id)
            job.status = .queued
            job.executorId = nil
            changes.jobs.append(job)
        }
        try ledger.apply(changes)
        return out
    }

    /// Jobs whose executor is gone: those not started go back to the queue; started ones lost their attempt, and
    /// are run again by themselves only when nothing that attempt was allowed could change anything (see
    /// `loseAttempt`); otherwise they are interrupted, and the person is told once, with a Retry button.
    func handleLostJobs(_ jobs: [JobRecord], now: EpochMillis) throws -> [Outbound] {
        guard !jobs.isEmpty else { return [] }
        var changes = LedgerChanges()
        var out: [Outbound] = []
        for var job in jobs {
            executors.release(jobId: job.id)
            statuses.stopTyping(job.id)
            if job.status == .dispatched {
                // Never started (a restarted job keeps the status message of its first start).
                logger.info("re-queueing a job its executor never started", metadata: [
                    "job.id": "\(job.id)", "executor.id": "\(job.executorId ?? "-")",
                ])
                job.status = .queued
                job.executorId = nil
            } else {
                out += try loseAttempt(&job, cause: .executorGone, now: now, changes: &changes)
            }
            changes.jobs.append(job)
        }
        try ledger.apply(changes)
        return out
    }

    static let maxRestarts = 2

    /// The wait before a restarted job is dispatched again: 200 ms after the first loss, 1 s after the second.
    static func restartBackoffMs(_ restarts: Int) -> Int64 { restarts <= 1 ? 200 : 1_000 }

    /// A running job's attempt was lost: queued again (nothing changing had run, restarts left), or interrupted
    /// with a notice naming what had run. `job` is updated; the caller stores it with `changes`.
    func loseAttempt(_ job: inout JobRecord, cause: AttemptLoss, now: EpochMillis, changes: inout LedgerChanges) throws -> [Outbound] {
        let allowed = try ledger.jobTools(jobId: job.id, attempt: job.attempt)
        let changing = allowed.filter(\.changes)
        if changing.isEmpty && job.restarts < Self.maxRestarts {
            job.restarts += 1
            logger.warning("attempt lost before anything was changed; dispatching the job again", metadata: [
                "job.id": "\(job.id)", "executor.id": "\(job.executorId ?? "-")", "attempt": "\(job.attempt)",
                "cause": "\(cause.rawValue)", "restarts": "\(job.restarts)", "calls.read_only": "\(allowed.count)",
            ])
            job.status = .queued
            job.executorId = nil
            job.notBefore = now + Self.restartBackoffMs(job.restarts)
            changes.audit.append(AuditEvent(
                at: now, userId: job.userId, event: .jobRestarted,
                detail: "job \(job.id) attempt \(job.attempt) \(cause.rawValue); \(allowed.count) read-only calls had run"))
            statuses.noteRestart(jobId: job.id, byCLI: cause != .executorGone)
            return try closeApprovals(ofJob: job.id, because: "the attempt was lost", now: now, changes: &changes)
        }
        logger.warning("job interrupted", metadata: [
            "job.id": "\(job.id)", "executor.id": "\(job.executorId ?? "-")", "attempt": "\(job.attempt)",
            "cause": "\(cause.rawValue)", "restarts": "\(job.restarts)", "calls.changing": "\(changing.count)",
        ])
        statuses.drop(job.id)
        job.status = .interrupted
        job.finishedAt = now
        job.outcome = "interrupted"
        // The prompt is kept so that Retry can run it again.
        let retry = ButtonRecord(
            nonce: Self.shortId(), action: .retry, jobId: job.id, userId: job.userId, chatId: job.chatId,
            createdAt: now, expiresAt: now + 24 * 3_600_000)
        changes.buttons.append(retry)
        let actions = changing.map { $0.summary.isEmpty ? $0.toolName : "\($0.toolName): \($0.summary)" }
        changes.outbox.append(reply(
            ReplyTexts.interrupted(byCLI: cause != .executorGone, actions: actions, restarts: job.restarts),
            chatId: job.chatId, threadId: job.threadId, replyTo: job.replyToMessageId, jobId: job.id,
            buttons: [[Delivery.Button(text: "Retry", callbackData: ButtonData.encode(retry.nonce))]], now: now))
        changes.audit.append(AuditEvent(
            at: now, userId: job.userId, event: .jobInterrupted,
            detail: "job \(job.id) \(cause.rawValue); \(changing.count) changing calls had run"))
        return removeStatusMessage(of: job)
            + (try closeApprovals(ofJob: job.id, because: "the job was interrupted", now: now, changes: &changes))
    }
}
