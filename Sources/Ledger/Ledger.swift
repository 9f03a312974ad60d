import Messages

/// The guard's durable state: updates seen, jobs, the outbox, sessions and the audit log.
/// One implementation, `SQLiteLedger`: on disk in the product, in memory (`SQLiteLedger.inMemory()`) in the core's tests.
public protocol Ledger: Sendable {
    /// Applies all changes in one transaction. Returns false, changing nothing, when `changes.newUpdate`
    /// names an update that was already committed.
    @discardableResult
    func apply(_ changes: LedgerChanges) throws -> Bool
    /// Applies each element as `apply(_:)` would, in order, all in one transaction (a group commit): one result per
    /// element, false for an element whose update was already committed (also earlier in the same batch), which
    /// changes nothing for that element only.
    func apply(_ batch: [LedgerChanges]) throws -> [Bool]

    /// Whether an update with this id was already committed.
    func hasUpdate(id: Int64) throws -> Bool
    func job(id: String) throws -> JobRecord?
    /// Jobs in any of the given states, oldest first.
    func jobs(in statuses: Set<JobStatus>) throws -> [JobRecord]
    /// Pending outbox entries due at or before `now`, oldest first.
    func dueOutbox(now: EpochMillis, limit: Int) throws -> [OutboxRecord]
    func outbox(id: String) throws -> OutboxRecord?
    /// How many replies wait to be delivered, and since when the oldest (for the metrics).
    func outboxBacklog() throws -> OutboxBacklog
    func session(userId: Int64, workspace: String) throws -> SessionRecord?
    func button(nonce: String) throws -> ButtonRecord?
    func preferences(userId: Int64) throws -> PreferencesRecord?
    func approval(id: String) throws -> ApprovalRecord?
    func approval(jobId: String, requestId: String) throws -> ApprovalRecord?
    func pendingApprovals() throws -> [ApprovalRecord]
    func rules(scopes: [String]) throws -> [SessionRuleRecord]
    /// The audit log from `seq` onwards, in order; `userId` is filled in from each entry's subject while the
    /// person has not been erased.
    func audit(fromSeq: Int64, limit: Int) throws -> [AuditRecord]
    /// The last `limit` audit entries, in order.
    func auditTail(limit: Int) throws -> [AuditRecord]
    /// How many audit entries of each event were written at or after `since` (for `gatehouse status`).
    func auditEventCounts(since: EpochMillis) throws -> [String: Int]

    // MARK: Access

    func member(userId: Int64) throws -> MemberRecord?
    func members() throws -> [MemberRecord]
    func token(id: String) throws -> AccessTokenRecord?
    /// All tokens, or one person's, newest first.
    func tokens(userId: Int64?) throws -> [AccessTokenRecord]
    func authSession(userId: Int64) throws -> AuthSessionRecord?
    /// Sessions whose person was last seen before `before`.
    func idleAuthSessions(before: EpochMillis) throws -> [AuthSessionRecord]
    func lockout(userId: Int64) throws -> LockoutRecord?
    func rateBucket(userId: Int64) throws -> RateBucketRecord?
    /// Every run's cost since `since`, oldest first.
    func usage(since: EpochMillis) throws -> [UsageRecord]
    /// One person's runs since `since`, oldest first: what their own budget is checked against on every prompt,
    /// without reading the whole team's day.
    func usage(userId: Int64, since: EpochMillis) throws -> [UsageRecord]
    /// Everyone's spending since `since`, summed by the store.
    func usageTotal(since: EpochMillis) throws -> Double
    /// One person's (nil: everyone's) spending in runs that finished after `after`, summed by the store, counting
    /// only positive costs: the total `CostLimits` counts, without reading the runs one by one.
    func countedUsageTotal(userId: Int64?, after: EpochMillis) throws -> Double
    /// Everything stored about one person (`/mydata`).
    func personalData(userId: Int64) throws -> PersonalData

    // MARK: Chat

    /// One person's sessions, most recently used first.
    func sessionHistory(userId: Int64, limit: Int) throws -> [SessionHistoryRecord]
    func sessionHistory(sessionId: String) throws -> SessionHistoryRecord?
    func topicBinding(chatId: Int64, threadId: Int64) throws -> TopicBindingRecord?
    func jobFiles(jobId: String) throws -> [JobFileRecord]
    /// The tool calls allowed in one attempt of a job, in the order they were allowed.
    func jobTools(jobId: String, attempt: Int) throws -> [JobToolRecord]

    // MARK: Schedules

    func schedule(id: String) throws -> ScheduleRecord?
    /// One person's schedules (every schedule for nil), oldest first.
    func schedules(ownerId: Int64?) throws -> [ScheduleRecord]
    /// Schedules not paused whose next run is at or before `now`, earliest first.
    func dueSchedules(now: EpochMillis) throws -> [ScheduleRecord]
}

/// Replies not yet delivered: how many, and when the oldest was written.
public struct OutboxBacklog: Sendable, Equatable {
    public var count: Int
    public var oldestCreatedAt: EpochMillis?

    public init(count: Int, oldestCreatedAt: EpochMillis?) {
        self.count = count
        self.oldestCreatedAt = oldestCreatedAt
    }
}
