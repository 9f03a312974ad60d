import Foundation
import GRDB
import Messages

/// Everything the guard and the operator's tools read from the ledger.
extension SQLiteLedger {
    /// Records through a cached statement: prepared once per SQL text and kept, where the query interface would
    /// generate, prepare and authorize the same SQL again on every call (it was the larger part of the guard's
    /// time per message). `condition` is everything after `WHERE`, from constants only; values go in `arguments`.
    private static func one<Record: FetchableRecord & TableRecord>(
        _: Record.Type, _ db: Database, where condition: String, _ arguments: StatementArguments
    ) throws -> Record? {
        try Record.fetchOne(
            db.cachedStatement(sql: "SELECT * FROM \(Record.databaseTableName) WHERE \(condition)"), arguments: arguments)
    }

    private static func all<Record: FetchableRecord & TableRecord>(
        _: Record.Type, _ db: Database, where condition: String, _ arguments: StatementArguments
    ) throws -> [Record] {
        try Record.fetchAll(
            db.cachedStatement(sql: "SELECT * FROM \(Record.databaseTableName) WHERE \(condition)"), arguments: arguments)
    }

    /// A one-statement read on the one connection, in no transaction of its own (the statement is atomic by
    /// itself); reads of several statements use `database.read`, one snapshot.
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        try database.inDatabase(body)
    }

    public func hasUpdate(id: Int64) throws -> Bool {
        try read { db in
            try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM updates WHERE updateId = ?)"), arguments: [id])
        } ?? false
    }

    public func job(id: String) throws -> JobRecord? {
        try read { db in try Self.one(JobRecord.self, db, where: "id = ?", [id]) }.map(sealer.opened)
    }

    public func jobs(in statuses: Set<JobStatus>) throws -> [JobRecord] {
        let placeholders = Array(repeating: "?", count: statuses.count).joined(separator: ",")
        return try read { db in
            try Self.all(
                JobRecord.self, db, where: "status IN (\(placeholders)) ORDER BY createdAt, id",
                StatementArguments(statuses.map(\.rawValue).sorted()))
        }.map(sealer.opened)
    }

    public func dueOutbox(now: EpochMillis, limit: Int) throws -> [OutboxRecord] {
        try read { db in
            try Self.all(
                // rowid: the order they were stored in, so replies of one decision (a heading and its document)
                // leave in that order.
                OutboxRecord.self, db, where: "status = ? AND nextAttemptAt <= ? ORDER BY createdAt, rowid LIMIT ?",
                [OutboxStatus.pending.rawValue, now, limit])
        }.map(sealer.opened)
    }

    public func outboxBacklog() throws -> OutboxBacklog {
        try read { db in
            let row = try Row.fetchOne(db, sql: "SELECT COUNT(*) AS count, MIN(createdAt) AS oldest FROM outbox WHERE status = ?",
                                       arguments: [OutboxStatus.pending.rawValue])
            return OutboxBacklog(count: row?["count"] ?? 0, oldestCreatedAt: row?["oldest"])
        }
    }

    public func outbox(id: String) throws -> OutboxRecord? {
        try read { db in try Self.one(OutboxRecord.self, db, where: "id = ?", [id]) }.map(sealer.opened)
    }

    public func session(userId: Int64, workspace: String) throws -> SessionRecord? {
        try read { db in
            try Self.one(SessionRecord.self, db, where: "userId = ? AND workspace = ?", [userId, workspace])
        }
    }

    public func button(nonce: String) throws -> ButtonRecord? {
        try read { db in try Self.one(ButtonRecord.self, db, where: "nonce = ?", [nonce]) }
    }

    public func preferences(userId: Int64) throws -> PreferencesRecord? {
        try read { db in try Self.one(PreferencesRecord.self, db, where: "userId = ?", [userId]) }
    }

    public func approval(id: String) throws -> ApprovalRecord? {
        try read { db in try Self.one(ApprovalRecord.self, db, where: "id = ?", [id]) }.map(sealer.opened)
    }

    public func approval(jobId: String, requestId: String) throws -> ApprovalRecord? {
        try read { db in
            try Self.one(ApprovalRecord.self, db, where: "jobId = ? AND requestId = ?", [jobId, requestId])
        }.map(sealer.opened)
    }

    public func pendingApprovals() throws -> [ApprovalRecord] {
        try read { db in
            try Self.all(ApprovalRecord.self, db, where: "status = ? ORDER BY createdAt", [ApprovalRecord.Status.pending.rawValue])
        }.map(sealer.opened)
    }

    public func rules(scopes: [String]) throws -> [SessionRuleRecord] {
        guard !scopes.isEmpty else { return [] }
        let placeholders = Array(repeating: "?", count: scopes.count).joined(separator: ",")
        return try read { db in
            try Self.all(SessionRuleRecord.self, db, where: "scope IN (\(placeholders))", StatementArguments(scopes))
        }
    }

    public func audit(fromSeq: Int64, limit: Int) throws -> [AuditRecord] {
        try database.read { db in  // several statements: one snapshot
            try Self.named(AuditRecord.filter(Column("seq") >= fromSeq).order(Column("seq")).limit(limit).fetchAll(db), in: db)
        }
    }

    public func auditEventCounts(since: EpochMillis) throws -> [String: Int] {
        try database.read { db in
            // Entries are appended in time order: find the first one at or after `since` by its sequence number
            // (a handful of primary-key lookups) instead of scanning the whole log by time.
            guard var low = try Int64.fetchOne(db, sql: "SELECT MIN(seq) FROM audit"),
                  var high = try Int64.fetchOne(db, sql: "SELECT MAX(seq) FROM audit") else { return [:] }
            high += 1
            while low < high {
                let middle = low + (high - low) / 2
                let at = try EpochMillis.fetchOne(db, sql: "SELECT at FROM audit WHERE seq >= ? ORDER BY seq LIMIT 1", arguments: [middle]) ?? .max
                if at < since { low = middle + 1 } else { high = middle }
            }
            var counts: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT event, COUNT(*) AS count FROM audit WHERE seq >= ? GROUP BY event", arguments: [low]) {
                counts[row["event"]] = row["count"]
            }
            return counts
        }
    }

    public func auditTail(limit: Int) throws -> [AuditRecord] {
        try database.read { db in  // several statements: one snapshot
            try Self.named(AuditRecord.order(Column("seq").desc).limit(limit).fetchAll(db).reversed(), in: db)
        }
    }

    // MARK: - Access

    public func member(userId: Int64) throws -> MemberRecord? {
        try read { db in try Self.one(MemberRecord.self, db, where: "userId = ?", [userId]) }
    }

    public func members() throws -> [MemberRecord] {
        try read { db in try MemberRecord.order(Column("userId")).fetchAll(db) }
    }

    public func token(id: String) throws -> AccessTokenRecord? {
        try read { db in try Self.one(AccessTokenRecord.self, db, where: "id = ?", [id]) }
    }

    public func tokens(userId: Int64?) throws -> [AccessTokenRecord] {
        try read { db in
            let all = AccessTokenRecord.order(Column("issuedAt").desc)
            return try (userId.map { all.filter(Column("userId") == $0) } ?? all).fetchAll(db)
        }
    }

    public func authSession(userId: Int64) throws -> AuthSessionRecord? {
        try read { db in try Self.one(AuthSessionRecord.self, db, where: "userId = ?", [userId]) }
    }

    public func idleAuthSessions(before: EpochMillis) throws -> [AuthSessionRecord] {
        try read { db in try AuthSessionRecord.filter(Column("lastSeenAt") < before).fetchAll(db) }
    }

    public func lockout(userId: Int64) throws -> LockoutRecord? {
        try read { db in try Self.one(LockoutRecord.self, db, where: "userId = ?", [userId]) }
    }

    public func rateBucket(userId: Int64) throws -> RateBucketRecord? {
        try read { db in try Self.one(RateBucketRecord.self, db, where: "userId = ?", [userId]) }
    }

    public func usage(since: EpochMillis) throws -> [UsageRecord] {
        try read { db in try Self.all(UsageRecord.self, db, where: "at >= ? ORDER BY at", [since]) }
    }

    public func usage(userId: Int64, since: EpochMillis) throws -> [UsageRecord] {
        try read { db in try Self.all(UsageRecord.self, db, where: "userId = ? AND at >= ? ORDER BY at", [userId, since]) }
    }

    public func usageTotal(since: EpochMillis) throws -> Double {
        try read { db in
            try Double.fetchOne(db.cachedStatement(sql: "SELECT TOTAL(costUSD) FROM usage WHERE at >= ?"), arguments: [since])
        } ?? 0
    }

    public func countedUsageTotal(userId: Int64?, after: EpochMillis) throws -> Double {
        try read { db in
            if let userId {
                return try Double.fetchOne(
                    db.cachedStatement(sql: "SELECT TOTAL(costUSD) FROM usage WHERE userId = ? AND at > ? AND costUSD > 0"),
                    arguments: [userId, after])
            }
            return try Double.fetchOne(
                db.cachedStatement(sql: "SELECT TOTAL(costUSD) FROM usage WHERE at > ? AND costUSD > 0"), arguments: [after])
        } ?? 0
    }

    public func personalData(userId: Int64) throws -> PersonalData {
        try database.read { db in  // several statements: one snapshot
            let subject = try String.fetchOne(
                db, sql: "SELECT subject FROM audit_subjects WHERE userId = ?", arguments: [userId])
            // By them (their pseudonym, or their id from before pseudonyms), or about them (sealed with their key).
            var audit = try AuditRecord.filter(Column("userId") == userId).order(Column("seq")).fetchAll(db)
            if let subject {
                audit += try AuditRecord.filter(
                    Column("subject") == subject || Column("detail").like("\(AuditDetailSeal.prefix)\(subject):%")
                ).order(Column("seq")).fetchAll(db)
            }
            let jobs = try JobRecord.filter(Column("userId") == userId).order(Column("createdAt")).fetchAll(db)
            let jobIds = jobs.map(\.id)
            let replies = try OutboxRecord.filter(Column("chatId") == userId || jobIds.contains(Column("jobId")))
                .order(Column("createdAt")).fetchAll(db)
            var data = PersonalData(
                userId: userId,
                member: try MemberRecord.fetchOne(db, key: userId),
                preferences: try PreferencesRecord.fetchOne(db, key: userId),
                sessions: try SessionRecord.filter(Column("userId") == userId).fetchAll(db),
                jobs: try jobs.map(sealer.opened),
                usage: try UsageRecord.filter(Column("userId") == userId).order(Column("at")).fetchAll(db),
                tokens: try AccessTokenRecord.filter(Column("userId") == userId).fetchAll(db).map(PersonalData.TokenSummary.init),
                audit: try Self.named(audit, in: db).map { record in
                    var named = record
                    if record.subject == subject { named.userId = userId }
                    return PersonalData.AuditEntry(named, userId: userId)
                })
            data.sessionHistory = try SessionHistoryRecord.filter(Column("userId") == userId).order(Column("startedAt"))
                .fetchAll(db).map(sealer.opened)
            data.replies = try replies.map(sealer.opened).map(PersonalData.Reply.init)
            data.toolCalls = try JobToolRecord.filter(jobIds.contains(Column("jobId"))).fetchAll(db).map(sealer.opened)
            data.approvals = try ApprovalRecord.filter(Column("userId") == userId).order(Column("createdAt")).fetchAll(db)
                .map(sealer.opened)
            data.uploads = try JobFileRecord.filter(jobIds.contains(Column("jobId"))).fetchAll(db).map {
                PersonalData.Upload(jobId: $0.jobId, name: $0.name, isImage: $0.isImage)
            }
            data.updates = try UpdateRecord.filter(Column("userId") == userId).order(Column("updateId")).fetchAll(db)
            data.buttons = try ButtonRecord.filter(Column("userId") == userId).fetchAll(db)
            data.authSession = try AuthSessionRecord.fetchOne(db, key: userId)
            data.lockout = try LockoutRecord.fetchOne(db, key: userId)
            data.rateBucket = try RateBucketRecord.fetchOne(db, key: userId)
            data.topicBindings = try TopicBindingRecord.filter(Column("boundBy") == userId).fetchAll(db)
            data.schedules = try ScheduleRecord.filter(Column("ownerId") == userId).order(Column("createdAt")).fetchAll(db)
                .map(sealer.opened)
            return data
        }
    }

    // MARK: - Chat

    public func sessionHistory(userId: Int64, limit: Int) throws -> [SessionHistoryRecord] {
        try read { db in
            try SessionHistoryRecord.filter(Column("userId") == userId).order(Column("lastUsedAt").desc).limit(limit).fetchAll(db)
        }.map(sealer.opened)
    }

    public func sessionHistory(sessionId: String) throws -> SessionHistoryRecord? {
        try read { db in try Self.one(SessionHistoryRecord.self, db, where: "sessionId = ?", [sessionId]) }.map(sealer.opened)
    }

    public func topicBinding(chatId: Int64, threadId: Int64) throws -> TopicBindingRecord? {
        try read { db in try Self.one(TopicBindingRecord.self, db, where: "chatId = ? AND threadId = ?", [chatId, threadId]) }
    }

    public func jobFiles(jobId: String) throws -> [JobFileRecord] {
        try read { db in try Self.all(JobFileRecord.self, db, where: "jobId = ? ORDER BY seq", [jobId]) }
            .map(sealer.opened)
    }

    public func jobTools(jobId: String, attempt: Int) throws -> [JobToolRecord] {
        try read { db in
            try Self.all(JobToolRecord.self, db, where: "jobId = ? AND attempt = ? ORDER BY allowedAt, rowid", [jobId, attempt])
        }.map(sealer.opened)
    }

    // MARK: - Schedules

    public func schedule(id: String) throws -> ScheduleRecord? {
        try read { db in try Self.one(ScheduleRecord.self, db, where: "id = ?", [id]) }.map(sealer.opened)
    }

    public func schedules(ownerId: Int64?) throws -> [ScheduleRecord] {
        try read { db in
            if let ownerId {
                return try Self.all(ScheduleRecord.self, db, where: "ownerId = ? ORDER BY createdAt, id", [ownerId])
            }
            return try Self.all(ScheduleRecord.self, db, where: "1 ORDER BY createdAt, id", [])
        }.map(sealer.opened)
    }

    public func dueSchedules(now: EpochMillis) throws -> [ScheduleRecord] {
        try read { db in
            try Self.all(ScheduleRecord.self, db, where: "paused = 0 AND nextRunAt <= ? ORDER BY nextRunAt, id", [now])
        }.map(sealer.opened)
    }
}
