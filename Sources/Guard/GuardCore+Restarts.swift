import Foundation
import Messages
import ToolPolicy

/// Why an attempt of a running job ended without an answer.
enum AttemptLoss: String, Sendable {
    /// Its executor died, was restarted, or was presumed dead.
    case executorGone = "executor_gone"
    /// The CLI died on its own (crash, killed from outside, OOM) while its executor lived.
    case cliDied = "cli_died"
    /// The CLI ran past its time limit without having used any tool.
    case silentTimeout = "silent_timeout"
}

/// Lost attempts: the guard has seen (and allowed) every tool call of every attempt, so it knows whether a lost
/// attempt could have changed anything. One that allowed nothing changing is dispatched again by itself (a new
/// attempt, at most `maxRestarts` times per job, after a short backoff); any other is interrupted, and the person
/// is told which actions had run, with a Retry button.
extension GuardCore {
    static let maxRestarts = 2

    /// The wait before a restarted job is dispatched again: 200 ms after the first loss, 1 s after the second.
    static func restartBackoffMs(_ restarts: Int) -> Int64 { restarts <= 1 ? 200 : 1_000 }

    /// The record of a tool call the guard allowed in the job's current attempt.
    func allowedCall(
        toolName: String, input: JSONValue, requestId: String, job: JobRecord, context: ToolCallContext, now: Int64
    ) -> JobToolRecord {
        JobToolRecord(
            jobId: job.id, attempt: job.attempt, requestId: requestId, toolName: toolName,
            summary: ToolSummary.describe(tool: toolName, input: input, workspace: context.workspace),
            changes: tools.effect(toolName: toolName, input: input, context: context) == .changes, allowedAt: now)
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

    /// A running job's attempt was lost: queued again (nothing changing had run, restarts left), or interrupted
    /// with a notice naming what had run. `job` is updated; the caller stores it with `changes`.
    func loseAttempt(_ job: inout JobRecord, cause: AttemptLoss, now: Int64, changes: inout LedgerChanges) throws -> [Outbound] {
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
