import Foundation
import Ledger
import Messages
import PeerKeys

/// Peers whose connection closed. The transport names them within milliseconds (and confirms with `livenessProbe`
/// that no connection of theirs is left), so an executor killed outright hands its jobs on at once instead of after
/// `peerTimeoutMs` of missed heartbeats. A host that vanishes without closing its connections is still found by the
/// heartbeats.
extension GuardCore {
    /// What the transport sends to check that a peer is gone: the heartbeat it would get anyway; nil for a peer
    /// that is not registered on that link (nothing to do when it goes).
    public func livenessProbe(link: GuardLink, peer: Data) -> [Data]? {
        let known = switch link {
        case .work: executors.executorId(forPeer: peer) != nil
        case .delivery: egress.members[peer] != nil
        case .intake: false
        }
        guard known else { return nil }
        return try? heartbeat(on: link, to: peer, registered: true).frames
    }

    /// The peer's connection closed for good: an executor's jobs are handled as lost (queued again, restarted or
    /// interrupted), an egress's deliveries in flight are handed out again.
    public func connectionClosed(link: GuardLink, peer: Data) -> [Outbound] {
        let now = clock.now()
        do {
            switch link {
            case .work:
                guard let gone = executors.remove(peer: peer) else { return [] }
                logger.warning("executor gone: its connection closed", metadata: [
                    "executor.id": "\(gone.executorId)", "silent.ms": "\(now - gone.lastSeen)",
                ])
                let lost = try ledger.jobs(in: [.dispatched, .running]).filter { $0.executorId == gone.executorId }
                return try handleLostJobs(lost, now: now) + (try dispatchQueuedJobs())
            case .delivery:
                guard egress.remove(peer: peer) else { return [] }
                logger.warning("egress gone: its connection closed")
                try releaseDeliveries(of: peer, now: now)
                return try pumpOutbox()
            case .intake:
                return []
            }
        } catch {
            logger.error("could not hand on a closed connection's work", metadata: [
                "link": "\(link.rawValue)", "error": "\(error)",
            ])
            return []
        }
    }

    /// Prompts waiting because no executor can take them: their people hear why within about a second, admins once
    /// per outage (and when it ends).
    func reviewExecutorOutage(now: EpochMillis) throws -> [Outbound] {
        // After a guard start, executors get one timeout to register again, as in `expireExecutors`.
        guard now - startedAt > configuration.timing.peerTimeoutMs else { return [] }
        let available = executors.members.values.contains { $0.capacity > 0 }
        let queued = available ? [] : try ledger.jobs(in: [.queued]).map {
            ExecutorOutage.QueuedJob(id: $0.id, queuedAt: $0.createdAt)
        }
        let notices = outage.review(now: now, executorAvailable: available, queued: queued)
        guard !notices.isEmpty else { return [] }
        var changes = LedgerChanges()
        for jobId in notices.waitingJobs {
            guard let job = try ledger.job(id: jobId) else { continue }
            changes.outbox.append(reply(
                ReplyTexts.queuedWithoutExecutor, chatId: job.chatId, threadId: job.threadId, replyTo: nil, jobId: job.id,
                now: now))
        }
        let adminText = notices.outageStarted.map { ReplyTexts.executorsMissing(waiting: $0) }
            ?? (notices.outageEnded ? ReplyTexts.executorsBack : nil)
        if let adminText {
            if notices.outageStarted != nil {
                logger.warning("no executor connected; prompts wait", metadata: ["jobs.waiting": "\(notices.outageStarted ?? 0)"])
            }
            try tellAdmins(adminText, changes: &changes, now: now)
        }
        try ledger.apply(changes)
        return try pumpOutbox()
    }
}
