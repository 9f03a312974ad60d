import Foundation
import Ledger
import Messages

/// Tool calls waiting for their person's answer, by approval id. The ledger holds them too (a restarted guard
/// starts from its pending ones); this is what the core consults on every question, answer and tick.
struct ApprovalBook: Sendable {
    private var waiting: [String: ApprovalRecord] = [:]

    init(waiting: [ApprovalRecord] = []) {
        for approval in waiting { self.waiting[approval.id] = approval }
    }

    var count: Int { waiting.count }

    func approval(id: String) -> ApprovalRecord? { waiting[id] }

    /// Asked, or partly answered (one of several questions): kept until settled.
    mutating func wait(for approval: ApprovalRecord) {
        waiting[approval.id] = approval
    }

    /// Decided (allowed, denied, expired): no longer waiting.
    mutating func settled(_ id: String) {
        waiting[id] = nil
    }

    /// Whether a question of this job still waits for its person (an attempt silent that long was not idle).
    func waits(forJob jobId: String) -> Bool {
        waiting.values.contains { $0.jobId == jobId }
    }

    /// The job's open questions, oldest first.
    func of(job jobId: String) -> [ApprovalRecord] {
        waiting.values.filter { $0.jobId == jobId }.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }

    /// Questions nobody answered before their deadline, oldest first (still waiting until settled).
    func expired(at now: EpochMillis) -> [ApprovalRecord] {
        waiting.values.filter { $0.expiresAt <= now }.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }

    /// Drops a person's questions without settling them (they asked to be forgotten).
    mutating func forget(userId: Int64) {
        waiting = waiting.filter { $0.value.userId != userId }
    }
}
