/// The guard's durable state: updates seen, jobs, the outbox, sessions and the audit log.
/// Two implementations: `SQLiteLedger` (the product) and `InMemoryLedger` (tests of the decision logic).
public protocol Ledger: Sendable {
    /// Applies all changes in one transaction. Returns false, changing nothing, when `changes.newUpdate`
    /// names an update that was already committed.
    @discardableResult
    func apply(_ changes: LedgerChanges) throws -> Bool

    func job(id: String) throws -> JobRecord?
    /// Jobs in any of the given states, oldest first.
    func jobs(in statuses: Set<JobStatus>) throws -> [JobRecord]
    /// Pending outbox entries due at or before `now`, oldest first.
    func dueOutbox(now: Int64, limit: Int) throws -> [OutboxRecord]
    func outbox(id: String) throws -> OutboxRecord?
    func session(userId: Int64, workspace: String) throws -> SessionRecord?
    func button(nonce: String) throws -> ButtonRecord?
    func preferences(userId: Int64) throws -> PreferencesRecord?
    func approval(id: String) throws -> ApprovalRecord?
    func approval(jobId: String, requestId: String) throws -> ApprovalRecord?
    func pendingApprovals() throws -> [ApprovalRecord]
    func rules(scopes: [String]) throws -> [SessionRuleRecord]
    /// The audit log from `seq` onwards, in order.
    func audit(fromSeq: Int64, limit: Int) throws -> [AuditRecord]
}
