import Foundation
import GRDB

/// The guard's ledger in SQLite (WAL). Every write is one `BEGIN IMMEDIATE` transaction, so a decision and
/// everything it implies (job, reply, audit) are stored together or not at all.
public final class SQLiteLedger: Ledger {
    private let pool: DatabasePool

    public init(path: String) throws {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        pool = try DatabasePool(path: path, configuration: configuration)
        try Self.migrator.migrate(pool)
    }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE updates (
                    updateId INTEGER PRIMARY KEY, receivedAt INTEGER NOT NULL, committedAt INTEGER NOT NULL,
                    userId INTEGER, chatId INTEGER, kind TEXT NOT NULL, disposition TEXT NOT NULL);
                CREATE TABLE jobs (
                    id TEXT PRIMARY KEY, updateId INTEGER, userId INTEGER NOT NULL, chatId INTEGER NOT NULL,
                    threadId INTEGER, replyToMessageId INTEGER, workspace TEXT NOT NULL, prompt TEXT NOT NULL,
                    status TEXT NOT NULL, executorId TEXT, attempt INTEGER NOT NULL, createdAt INTEGER NOT NULL,
                    dispatchedAt INTEGER, startedAt INTEGER, finishedAt INTEGER, sessionId TEXT, costUSD REAL,
                    outcome TEXT, errorDetail TEXT);
                CREATE INDEX jobs_by_status ON jobs(status, createdAt);
                CREATE TABLE outbox (
                    id TEXT PRIMARY KEY, jobId TEXT, chatId INTEGER NOT NULL, threadId INTEGER,
                    replyToMessageId INTEGER, text TEXT NOT NULL, format TEXT NOT NULL, status TEXT NOT NULL,
                    attempts INTEGER NOT NULL, nextAttemptAt INTEGER NOT NULL, createdAt INTEGER NOT NULL,
                    sentAt INTEGER, telegramMessageIds TEXT, lastError TEXT);
                CREATE INDEX outbox_due ON outbox(status, nextAttemptAt);
                CREATE TABLE sessions (
                    userId INTEGER NOT NULL, workspace TEXT NOT NULL, sessionId TEXT NOT NULL, executorId TEXT,
                    updatedAt INTEGER NOT NULL, PRIMARY KEY (userId, workspace));
                CREATE TABLE audit (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, userId INTEGER,
                    event TEXT NOT NULL, detail TEXT NOT NULL, prevHash TEXT NOT NULL, hash TEXT NOT NULL);
                -- The audit log is append-only: the database itself refuses edits and deletions.
                CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
                    BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
                CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
                    BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
                """)
        }
        migrator.registerMigration("v2-buttons") { db in
            try db.execute(sql: """
                ALTER TABLE outbox ADD COLUMN buttons TEXT;
                ALTER TABLE jobs ADD COLUMN statusMessageId INTEGER;
                CREATE TABLE buttons (
                    nonce TEXT PRIMARY KEY, action TEXT NOT NULL, jobId TEXT NOT NULL, userId INTEGER NOT NULL,
                    chatId INTEGER NOT NULL, createdAt INTEGER NOT NULL, expiresAt INTEGER NOT NULL, usedAt INTEGER);
                """)
        }
        migrator.registerMigration("v3-preferences") { db in
            try db.execute(sql: "CREATE TABLE preferences (userId INTEGER PRIMARY KEY, verbosity INTEGER NOT NULL)")
        }
        migrator.registerMigration("v4-approvals") { db in
            try db.execute(sql: """
                ALTER TABLE buttons ADD COLUMN approvalId TEXT;
                ALTER TABLE buttons ADD COLUMN question INTEGER;
                ALTER TABLE buttons ADD COLUMN choice INTEGER;
                CREATE TABLE approvals (
                    id TEXT PRIMARY KEY, jobId TEXT NOT NULL, requestId TEXT NOT NULL, executorId TEXT NOT NULL,
                    userId INTEGER NOT NULL, chatId INTEGER NOT NULL, toolName TEXT NOT NULL, input TEXT NOT NULL,
                    status TEXT NOT NULL, createdAt INTEGER NOT NULL, expiresAt INTEGER NOT NULL, decidedAt INTEGER,
                    decidedBy INTEGER, outboxIds TEXT NOT NULL, answers TEXT, message TEXT);
                CREATE UNIQUE INDEX approvals_by_request ON approvals(jobId, requestId);
                CREATE INDEX approvals_pending ON approvals(status, expiresAt);
                CREATE TABLE rules (
                    scope TEXT NOT NULL, toolName TEXT NOT NULL, signature TEXT NOT NULL, createdAt INTEGER NOT NULL,
                    PRIMARY KEY (scope, toolName, signature));
                """)
        }
        return migrator
    }

    @discardableResult
    public func apply(_ changes: LedgerChanges) throws -> Bool {
        var applied = false
        try pool.writeWithoutTransaction { db in
            try db.inTransaction(.immediate) {
                if let update = changes.newUpdate {
                    try db.execute(
                        sql: """
                            INSERT OR IGNORE INTO updates
                            (updateId, receivedAt, committedAt, userId, chatId, kind, disposition)
                            VALUES (?, ?, ?, ?, ?, ?, ?)
                            """,
                        arguments: [
                            update.updateId, update.receivedAt, update.committedAt, update.userId, update.chatId,
                            update.kind, update.disposition,
                        ])
                    if db.changesCount == 0 { return .rollback }
                }
                for job in changes.jobs { try job.save(db) }
                for entry in changes.outbox { try entry.save(db) }
                for session in changes.sessions { try session.save(db) }
                for button in changes.buttons { try button.save(db) }
                for preferences in changes.preferences { try preferences.save(db) }
                for approval in changes.approvals { try approval.save(db) }
                for rule in changes.rules { try rule.save(db) }
                if !changes.audit.isEmpty {
                    var prevHash =
                        try String.fetchOne(db, sql: "SELECT hash FROM audit ORDER BY seq DESC LIMIT 1")
                        ?? AuditChain.genesis
                    for event in changes.audit {
                        let record = AuditChain.chain(event, after: prevHash)
                        try record.insert(db)
                        prevHash = record.hash
                    }
                }
                applied = true
                return .commit
            }
        }
        return applied
    }

    public func job(id: String) throws -> JobRecord? {
        try pool.read { db in try JobRecord.fetchOne(db, key: id) }
    }

    public func jobs(in statuses: Set<JobStatus>) throws -> [JobRecord] {
        try pool.read { db in
            try JobRecord.filter(statuses.map(\.rawValue).contains(Column("status")))
                .order(Column("createdAt"), Column("id"))
                .fetchAll(db)
        }
    }

    public func dueOutbox(now: Int64, limit: Int) throws -> [OutboxRecord] {
        try pool.read { db in
            try OutboxRecord.filter(Column("status") == OutboxStatus.pending.rawValue && Column("nextAttemptAt") <= now)
                .order(Column("createdAt"), Column("id"))
                .limit(limit)
                .fetchAll(db)
        }
    }

    public func outbox(id: String) throws -> OutboxRecord? {
        try pool.read { db in try OutboxRecord.fetchOne(db, key: id) }
    }

    public func session(userId: Int64, workspace: String) throws -> SessionRecord? {
        try pool.read { db in
            try SessionRecord.fetchOne(db, key: ["userId": userId, "workspace": workspace])
        }
    }

    public func button(nonce: String) throws -> ButtonRecord? {
        try pool.read { db in try ButtonRecord.fetchOne(db, key: nonce) }
    }

    public func preferences(userId: Int64) throws -> PreferencesRecord? {
        try pool.read { db in try PreferencesRecord.fetchOne(db, key: userId) }
    }

    public func approval(id: String) throws -> ApprovalRecord? {
        try pool.read { db in try ApprovalRecord.fetchOne(db, key: id) }
    }

    public func approval(jobId: String, requestId: String) throws -> ApprovalRecord? {
        try pool.read { db in
            try ApprovalRecord.filter(Column("jobId") == jobId && Column("requestId") == requestId).fetchOne(db)
        }
    }

    public func pendingApprovals() throws -> [ApprovalRecord] {
        try pool.read { db in
            try ApprovalRecord.filter(Column("status") == ApprovalRecord.Status.pending.rawValue).order(Column("createdAt")).fetchAll(db)
        }
    }

    public func rules(scopes: [String]) throws -> [SessionRuleRecord] {
        try pool.read { db in try SessionRuleRecord.filter(scopes.contains(Column("scope"))).fetchAll(db) }
    }

    public func audit(fromSeq: Int64, limit: Int) throws -> [AuditRecord] {
        try pool.read { db in
            try AuditRecord.filter(Column("seq") >= fromSeq).order(Column("seq")).limit(limit).fetchAll(db)
        }
    }
}

extension JobRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "jobs"
}

extension OutboxRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "outbox"
}

extension SessionRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "sessions"
}

extension ButtonRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "buttons"
}

extension PreferencesRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "preferences"
}

extension ApprovalRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "approvals"
}

extension SessionRuleRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "rules"
}

extension AuditRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "audit"
}
