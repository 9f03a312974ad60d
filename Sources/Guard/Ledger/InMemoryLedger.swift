import Synchronization

/// A ledger in memory, for tests of the guard's decisions. Same semantics as `SQLiteLedger`, no durability.
public final class InMemoryLedger: Ledger {
    private struct State {
        var updates: [Int64: UpdateRecord] = [:]
        var jobs: [String: JobRecord] = [:]
        var jobOrder: [String] = []
        var outbox: [String: OutboxRecord] = [:]
        var outboxOrder: [String] = []
        var sessions: [String: SessionRecord] = [:]
        var buttons: [String: ButtonRecord] = [:]
        var preferences: [Int64: PreferencesRecord] = [:]
        var approvals: [String: ApprovalRecord] = [:]
        var rules: [String: SessionRuleRecord] = [:]
        var audit: [AuditRecord] = []
    }

    private let state = Mutex(State())

    public init() {}

    @discardableResult
    public func apply(_ changes: LedgerChanges) throws -> Bool {
        state.withLock { state in
            if let update = changes.newUpdate {
                if state.updates[update.updateId] != nil { return false }
                state.updates[update.updateId] = update
            }
            for job in changes.jobs {
                if state.jobs[job.id] == nil { state.jobOrder.append(job.id) }
                state.jobs[job.id] = job
            }
            for entry in changes.outbox {
                if state.outbox[entry.id] == nil { state.outboxOrder.append(entry.id) }
                state.outbox[entry.id] = entry
            }
            for session in changes.sessions {
                state.sessions["\(session.userId)/\(session.workspace)"] = session
            }
            for button in changes.buttons {
                state.buttons[button.nonce] = button
            }
            for preferences in changes.preferences {
                state.preferences[preferences.userId] = preferences
            }
            for approval in changes.approvals { state.approvals[approval.id] = approval }
            for rule in changes.rules { state.rules["\(rule.scope)|\(rule.toolName)|\(rule.signature)"] = rule }
            for event in changes.audit {
                var record = AuditChain.chain(event, after: state.audit.last?.hash ?? AuditChain.genesis)
                record.seq = Int64(state.audit.count + 1)
                state.audit.append(record)
            }
            return true
        }
    }

    public func job(id: String) throws -> JobRecord? {
        state.withLock { $0.jobs[id] }
    }

    public func jobs(in statuses: Set<JobStatus>) throws -> [JobRecord] {
        state.withLock { state in
            state.jobOrder.compactMap { state.jobs[$0] }.filter { statuses.contains($0.status) }
        }
    }

    public func dueOutbox(now: Int64, limit: Int) throws -> [OutboxRecord] {
        state.withLock { state in
            Array(
                state.outboxOrder.compactMap { state.outbox[$0] }
                    .filter { $0.status == .pending && $0.nextAttemptAt <= now }
                    .prefix(limit))
        }
    }

    public func outbox(id: String) throws -> OutboxRecord? {
        state.withLock { $0.outbox[id] }
    }

    public func session(userId: Int64, workspace: String) throws -> SessionRecord? {
        state.withLock { $0.sessions["\(userId)/\(workspace)"] }
    }

    public func button(nonce: String) throws -> ButtonRecord? {
        state.withLock { $0.buttons[nonce] }
    }

    public func preferences(userId: Int64) throws -> PreferencesRecord? {
        state.withLock { $0.preferences[userId] }
    }

    public func approval(id: String) throws -> ApprovalRecord? {
        state.withLock { $0.approvals[id] }
    }

    public func approval(jobId: String, requestId: String) throws -> ApprovalRecord? {
        state.withLock { $0.approvals.values.first { $0.jobId == jobId && $0.requestId == requestId } }
    }

    public func pendingApprovals() throws -> [ApprovalRecord] {
        state.withLock { $0.approvals.values.filter { $0.status == .pending }.sorted { $0.createdAt < $1.createdAt } }
    }

    public func rules(scopes: [String]) throws -> [SessionRuleRecord] {
        state.withLock { state in state.rules.values.filter { scopes.contains($0.scope) } }
    }

    public func audit(fromSeq: Int64, limit: Int) throws -> [AuditRecord] {
        state.withLock { state in
            Array(state.audit.filter { ($0.seq ?? 0) >= fromSeq }.prefix(limit))
        }
    }
}
