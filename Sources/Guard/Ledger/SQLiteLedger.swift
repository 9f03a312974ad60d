#if canImport(CMalloc)
import CMalloc
#endif
import Foundation
import GRDB

/// The guard's ledger in SQLite (WAL). Every write is one `BEGIN IMMEDIATE` transaction, so a decision and
/// everything it implies (job, reply, audit) are stored together or not at all.
///
/// One connection: the guard's core (an actor) is the only caller in its process, so a pool of readers bought
/// nothing but a transaction and two `PRAGMA query_only` statements around every read. Other processes (the
/// operator's tools) read and write through their own connection; WAL keeps them from blocking each other.
public final class SQLiteLedger: Ledger {
    private let database: DatabaseQueue
    /// Seals message content (prompts, replies, tool inputs) at rest when `DATA_ENCRYPTION_KEY` is set.
    let sealer: ContentSealer

    /// `checkingKey: false` is for the operator's tools (`gatehouse users`, `token`, `audit`), which never read
    /// sealed content and so need no key. `checkpointedElsewhere`: a `WALCheckpointer` keeps the log short, so
    /// commits leave it alone unless it has grown far past SQLite's usual 1,000 pages (that one stopped, say).
    public convenience init(path: String, cipher: ContentCipher? = nil, checkingKey: Bool = true, checkpointedElsewhere: Bool = false) throws {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var configuration = Self.configuration(checkpointedElsewhere: checkpointedElsewhere)
        configuration.journalMode = .wal
        try self.init(database: DatabaseQueue(path: path, configuration: configuration), cipher: cipher, checkingKey: checkingKey)
    }

    /// A private database in memory, gone with this value: the same schema, statements and transactions as on disk,
    /// without the file (the guard core's tests run on it).
    public static func inMemory(cipher: ContentCipher? = nil) throws -> SQLiteLedger {
        try SQLiteLedger(database: DatabaseQueue(configuration: configuration(checkpointedElsewhere: false)), cipher: cipher, checkingKey: true)
    }

    private init(database: DatabaseQueue, cipher: ContentCipher?, checkingKey: Bool) throws {
        sealer = ContentSealer(cipher: cipher)
        self.database = database
        try Self.migrator.migrate(database)
        if checkingKey { try checkKey() }
    }

    private static func configuration(checkpointedElsewhere: Bool) -> Configuration {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            // What is deleted (an erased person's rows, uploads after their job) is overwritten, not left in free pages.
            try db.execute(sql: "PRAGMA secure_delete = ON")
            if checkpointedElsewhere { try db.execute(sql: "PRAGMA wal_autocheckpoint = \(Self.backstopCheckpointPages)") }
        }
        return configuration
    }

    /// The keyring's entry for the token secret's fingerprint (`AccessTokenIssuer.secretFingerprint`).
    public static let tokenSecretFingerprint = "token_secret_fingerprint"

    /// A value of the keyring (fingerprints and canaries: never a secret).
    public func keyringValue(_ name: String) throws -> String? {
        try read { db in try String.fetchOne(db, sql: "SELECT value FROM keyring WHERE name = ?", arguments: [name]) }
    }

    /// Sets a keyring value; returns the one it replaces.
    @discardableResult
    public func setKeyringValue(_ name: String, _ value: String) throws -> String? {
        try database.write { db in
            let previous = try String.fetchOne(db, sql: "SELECT value FROM keyring WHERE name = ?", arguments: [name])
            try db.execute(sql: "INSERT OR REPLACE INTO keyring (name, value) VALUES (?, ?)", arguments: [name, value])
            return previous
        }
    }

    /// Log pages (4 KiB each) after which a commit checkpoints by itself although a `WALCheckpointer` should have.
    static let backstopCheckpointPages = 25_000

    /// A sealed canary tells, at start, whether the configured key is the one the data was sealed with: a wrong or
    /// missing key is a configuration error, not a failure at the first read.
    private func checkKey() throws {
        let canary = "gatehouse"
        try database.write { db in
            let stored = try String.fetchOne(db, sql: "SELECT value FROM keyring WHERE name = 'canary'")
            switch (stored, sealer.cipher) {
            case (nil, nil):
                return
            case (nil, let cipher?):
                try db.execute(
                    sql: "INSERT INTO keyring (name, value) VALUES ('canary', ?)", arguments: [try cipher.seal(canary)])
            case (.some, nil):
                throw LedgerKeyError.missing
            case (let sealed?, let cipher?):
                guard (try? cipher.open(sealed)) == canary else { throw LedgerKeyError.wrong }
            }
        }
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
        migrator.registerMigration("v5-access") { db in
            try db.execute(sql: """
                ALTER TABLE outbox ADD COLUMN kind TEXT;
                ALTER TABLE outbox ADD COLUMN fileName TEXT;
                ALTER TABLE outbox ADD COLUMN targetMessageId INTEGER;
                ALTER TABLE audit ADD COLUMN subject TEXT;
                CREATE TABLE audit_subjects (subject TEXT PRIMARY KEY, userId INTEGER NOT NULL UNIQUE);
                CREATE TABLE members (
                    userId INTEGER PRIMARY KEY, role TEXT, changedBy INTEGER, changedAt INTEGER NOT NULL,
                    suspendedUntil INTEGER, reason TEXT);
                CREATE TABLE tokens (
                    id TEXT PRIMARY KEY, userId INTEGER NOT NULL, hash TEXT NOT NULL, issuedAt INTEGER NOT NULL,
                    expiresAt INTEGER NOT NULL, revokedAt INTEGER, lastUsedAt INTEGER);
                CREATE TABLE auth_sessions (
                    userId INTEGER PRIMARY KEY, tokenId TEXT NOT NULL, startedAt INTEGER NOT NULL,
                    lastSeenAt INTEGER NOT NULL);
                CREATE TABLE lockouts (userId INTEGER PRIMARY KEY, failures TEXT NOT NULL, lockedUntil INTEGER);
                CREATE TABLE rate_buckets (userId INTEGER PRIMARY KEY, tokens REAL NOT NULL, updatedAt INTEGER NOT NULL);
                CREATE TABLE usage (
                    jobId TEXT PRIMARY KEY, userId INTEGER NOT NULL, at INTEGER NOT NULL, costUSD REAL NOT NULL);
                CREATE INDEX usage_by_time ON usage(at);
                CREATE INDEX jobs_by_user ON jobs(userId, createdAt);
                CREATE TABLE keyring (name TEXT PRIMARY KEY, value TEXT NOT NULL);
                """)
        }
        migrator.registerMigration("v6-chat") { db in
            try db.execute(sql: """
                ALTER TABLE preferences ADD COLUMN currentDirectory TEXT;
                ALTER TABLE preferences ADD COLUMN model TEXT;
                ALTER TABLE buttons ADD COLUMN argument TEXT;
                ALTER TABLE jobs ADD COLUMN notBefore INTEGER;
                ALTER TABLE jobs ADD COLUMN mediaGroupId TEXT;
                CREATE TABLE session_history (
                    sessionId TEXT PRIMARY KEY, userId INTEGER NOT NULL, workspace TEXT NOT NULL, executorId TEXT,
                    startedAt INTEGER NOT NULL, lastUsedAt INTEGER NOT NULL, firstPrompt TEXT NOT NULL,
                    costUSD REAL NOT NULL, runs INTEGER NOT NULL);
                CREATE INDEX session_history_by_user ON session_history(userId, lastUsedAt);
                CREATE TABLE topic_bindings (
                    chatId INTEGER NOT NULL, threadId INTEGER NOT NULL, workspace TEXT NOT NULL, boundBy INTEGER NOT NULL,
                    boundAt INTEGER NOT NULL, PRIMARY KEY (chatId, threadId));
                CREATE TABLE job_files (
                    jobId TEXT NOT NULL, seq INTEGER NOT NULL, name TEXT NOT NULL, data TEXT NOT NULL,
                    isImage INTEGER NOT NULL, PRIMARY KEY (jobId, seq));
                """)
        }
        migrator.registerMigration("v7-usage-by-user") { db in
            // Every prompt checks its sender's own spending over the last day.
            try db.execute(sql: "CREATE INDEX usage_by_user ON usage(userId, at)")
        }
        migrator.registerMigration("v8-job-tools") { db in
            // What each attempt was allowed to do decides whether a lost attempt may run again by itself.
            try db.execute(sql: """
                ALTER TABLE jobs ADD COLUMN restarts INTEGER NOT NULL DEFAULT 0;
                CREATE TABLE job_tools (
                    jobId TEXT NOT NULL, attempt INTEGER NOT NULL, requestId TEXT NOT NULL, toolName TEXT NOT NULL,
                    summary TEXT NOT NULL, changes INTEGER NOT NULL, allowedAt INTEGER NOT NULL,
                    PRIMARY KEY (jobId, attempt, requestId));
                """)
        }
        migrator.registerMigration("v9-privacy-audit-keys") { db in
            // Each person's audit details are sealed with a key of their own, erased with their pseudonym.
            try db.execute(sql: "ALTER TABLE audit_subjects ADD COLUMN sealKey TEXT")
        }
        migrator.registerMigration("v10-schedules-webhooks") { db in
            try db.execute(sql: """
                ALTER TABLE jobs ADD COLUMN trigger TEXT;
                ALTER TABLE jobs ADD COLUMN model TEXT;
                ALTER TABLE jobs ADD COLUMN maxBudgetUSD REAL;
                ALTER TABLE jobs ADD COLUMN questions TEXT;
                ALTER TABLE jobs ADD COLUMN copyTo TEXT;
                CREATE TABLE webhook_deliveries (
                    hook TEXT NOT NULL, deliveryId TEXT NOT NULL, event TEXT, receivedAt INTEGER NOT NULL,
                    committedAt INTEGER NOT NULL, outcome TEXT NOT NULL, runs INTEGER NOT NULL,
                    PRIMARY KEY (hook, deliveryId));
                CREATE INDEX webhook_deliveries_by_time ON webhook_deliveries(committedAt);
                CREATE TABLE schedules (
                    id TEXT PRIMARY KEY, ownerId INTEGER NOT NULL, chatId INTEGER NOT NULL, threadId INTEGER,
                    workspace TEXT NOT NULL, cron TEXT NOT NULL, timeZone TEXT NOT NULL, prompt TEXT NOT NULL,
                    missed TEXT NOT NULL, paused INTEGER NOT NULL, nextRunAt INTEGER, lastRunAt INTEGER,
                    runs INTEGER NOT NULL, createdAt INTEGER NOT NULL);
                CREATE INDEX schedules_due ON schedules(paused, nextRunAt);
                CREATE INDEX schedules_by_owner ON schedules(ownerId, createdAt);
                """)
        }
        return migrator
    }

    @discardableResult
    public func apply(_ changes: LedgerChanges) throws -> Bool {
        try apply([changes]).first ?? false
    }

    public func apply(_ batch: [LedgerChanges]) throws -> [Bool] {
        var results: [Bool] = []
        try database.writeWithoutTransaction { db in
            try db.inTransaction(.immediate) {
                results = try batch.map { try write($0, in: db) }
                return .commit
            }
        }
        return results
    }

    /// Writes one element of a batch. An update already committed writes nothing: its check comes before any
    /// other write.
    private func write(_ changes: LedgerChanges, in db: Database) throws -> Bool {
        if let update = changes.newUpdate {
            try db.cachedStatement(
                sql: """
                    INSERT OR IGNORE INTO updates
                    (updateId, receivedAt, committedAt, userId, chatId, kind, disposition)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """
            ).execute(
                arguments: [
                    update.updateId, update.receivedAt, update.committedAt, update.userId, update.chatId,
                    update.kind, update.disposition,
                ])
            if db.changesCount == 0 { return false }
        }
        if let delivery = changes.webhookDelivery {
            try db.cachedStatement(
                sql: """
                    INSERT OR IGNORE INTO webhook_deliveries (hook, deliveryId, event, receivedAt, committedAt, outcome, runs)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """
            ).execute(arguments: [
                delivery.hook, delivery.deliveryId, delivery.event, delivery.receivedAt, delivery.committedAt,
                delivery.outcome, delivery.runs,
            ])
            if db.changesCount == 0 { return false }
        }
        for job in changes.jobs {
            try sealer.sealed(job).save(db)
            // Uploads are kept only until their job ends.
            if job.status.isFinal {
                try db.execute(sql: "DELETE FROM job_files WHERE jobId = ?", arguments: [job.id])
                try db.execute(sql: "DELETE FROM job_tools WHERE jobId = ?", arguments: [job.id])
            }
        }
        for entry in changes.outbox { try sealer.sealed(entry).save(db) }
        for session in changes.sessions { try session.save(db) }
        for button in changes.buttons { try button.save(db) }
        for preferences in changes.preferences { try preferences.save(db) }
        for approval in changes.approvals { try sealer.sealed(approval).save(db) }
        for rule in changes.rules { try rule.save(db) }
        for member in changes.members { try member.save(db) }
        for token in changes.tokens { try token.save(db) }
        for userId in changes.endedAuthSessions { _ = try AuthSessionRecord.deleteOne(db, key: userId) }
        for session in changes.authSessions { try session.save(db) }
        for lockout in changes.lockouts { try lockout.save(db) }
        for bucket in changes.rateBuckets { try bucket.save(db) }
        for usage in changes.usage { try usage.save(db) }
        for entry in changes.sessionHistory { try sealer.sealed(entry).save(db) }
        for binding in changes.topicBindings { try binding.save(db) }
        for file in changes.jobFiles { try sealer.sealed(file).save(db) }
        for tool in changes.jobTools { try sealer.sealed(tool).save(db) }
        for schedule in changes.schedules { try sealer.sealed(schedule).save(db) }
        for id in changes.deletedSchedules { _ = try ScheduleRecord.deleteOne(db, key: id) }
        for key in changes.endedSessions {
            _ = try SessionRecord.deleteOne(db, key: ["userId": key.userId, "workspace": key.workspace])
        }
        if !changes.audit.isEmpty {
            var prevHash =
                try String.fetchOne(db.cachedStatement(sql: "SELECT hash FROM audit ORDER BY seq DESC LIMIT 1"))
                ?? AuditChain.genesis
            // A decision's entries are mostly about one person: look their pseudonym and key up once.
            var owners: [Int64: (subject: String, key: String)] = [:]
            func owner(of userId: Int64) throws -> (subject: String, key: String) {
                if let known = owners[userId] { return known }
                let found = try Self.subject(of: userId, in: db)
                owners[userId] = found
                return found
            }
            for event in changes.audit {
                let subject = try event.userId.map { try owner(of: $0).subject }
                var sealed = event
                if let person = event.about ?? event.userId {
                    let owner = try owner(of: person)
                    sealed.detail = try AuditDetailSeal.seal(event.detail, subject: owner.subject, key: owner.key)
                }
                let record = AuditChain.chain(sealed, subject: subject, after: prevHash)
                // A cached statement: the record interface's generic insert cost several times the SQL itself.
                try db.cachedStatement(
                    sql: "INSERT INTO audit (at, userId, subject, event, detail, prevHash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)"
                ).execute(arguments: [
                    record.at, record.userId, record.subject, record.event, record.detail, record.prevHash, record.hash,
                ])
                prevHash = record.hash
            }
        }
        for id in changes.deletedOutbox { _ = try OutboxRecord.deleteOne(db, key: id) }
        // Last: nothing this same decision wrote about the person stays (a rate bucket, an audit pseudonym).
        for userId in changes.erasures { try erase(userId: userId, in: db) }
        return true
    }

    /// Hands back what a burst left behind: SQLite's page cache for this connection, then the C heap's free
    /// memory (SQLite's and Swift's allocations both live there). Cheap; called when the guard is quiet again.
    public func releaseMemory() {
        try? database.inDatabase { db in try db.execute(sql: "PRAGMA shrink_memory") }
        #if canImport(CMalloc)
        _ = malloc_trim(0)
        #endif
    }

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
    private func read<T>(_ body: (Database) throws -> T) throws -> T {
        try database.inDatabase(body)
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

    public func dueOutbox(now: Int64, limit: Int) throws -> [OutboxRecord] {
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

    public func auditEventCounts(since: Int64) throws -> [String: Int] {
        try database.read { db in
            // Entries are appended in time order: find the first one at or after `since` by its sequence number
            // (a handful of primary-key lookups) instead of scanning the whole log by time.
            guard var low = try Int64.fetchOne(db, sql: "SELECT MIN(seq) FROM audit"),
                  var high = try Int64.fetchOne(db, sql: "SELECT MAX(seq) FROM audit") else { return [:] }
            high += 1
            while low < high {
                let middle = low + (high - low) / 2
                let at = try Int64.fetchOne(db, sql: "SELECT at FROM audit WHERE seq >= ? ORDER BY seq LIMIT 1", arguments: [middle]) ?? Int64.max
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

    public func idleAuthSessions(before: Int64) throws -> [AuthSessionRecord] {
        try read { db in try AuthSessionRecord.filter(Column("lastSeenAt") < before).fetchAll(db) }
    }

    public func lockout(userId: Int64) throws -> LockoutRecord? {
        try read { db in try Self.one(LockoutRecord.self, db, where: "userId = ?", [userId]) }
    }

    public func rateBucket(userId: Int64) throws -> RateBucketRecord? {
        try read { db in try Self.one(RateBucketRecord.self, db, where: "userId = ?", [userId]) }
    }

    public func usage(since: Int64) throws -> [UsageRecord] {
        try read { db in try Self.all(UsageRecord.self, db, where: "at >= ? ORDER BY at", [since]) }
    }

    public func usage(userId: Int64, since: Int64) throws -> [UsageRecord] {
        try read { db in try Self.all(UsageRecord.self, db, where: "userId = ? AND at >= ? ORDER BY at", [userId, since]) }
    }

    public func usageTotal(since: Int64) throws -> Double {
        try read { db in
            try Double.fetchOne(db.cachedStatement(sql: "SELECT TOTAL(costUSD) FROM usage WHERE at >= ?"), arguments: [since])
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

    public func dueSchedules(now: Int64) throws -> [ScheduleRecord] {
        try read { db in
            try Self.all(ScheduleRecord.self, db, where: "paused = 0 AND nextRunAt <= ? ORDER BY nextRunAt, id", [now])
        }.map(sealer.opened)
    }

    // MARK: - Pseudonyms and erasure

    /// The audit pseudonym of a person and the key their entries' details are sealed with, both made on first use.
    private static func subject(of userId: Int64, in db: Database) throws -> (subject: String, key: String) {
        if let row = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT subject, sealKey FROM audit_subjects WHERE userId = ?"), arguments: [userId])
        {
            let subject: String = row["subject"]
            if let key: String = row["sealKey"] { return (subject, key) }
            let key = AuditDetailSeal.newKey()  // a pseudonym from before per-person keys
            try db.execute(sql: "UPDATE audit_subjects SET sealKey = ? WHERE subject = ?", arguments: [key, subject])
            return (subject, key)
        }
        let subject = AuditChain.newSubject()
        let key = AuditDetailSeal.newKey()
        try db.cachedStatement(sql: "INSERT INTO audit_subjects (subject, userId, sealKey) VALUES (?, ?, ?)")
            .execute(arguments: [subject, userId, key])
        return (subject, key)
    }

    /// Fills in `userId` of entries whose subject still maps to a person, and opens sealed details with their
    /// person's key ("[erased]" once it is gone).
    private static func named(_ records: [AuditRecord], in db: Database) throws -> [AuditRecord] {
        let subjects = Array(Set(records.compactMap(\.subject) + records.compactMap { AuditDetailSeal.subject(of: $0.detail) }))
        guard !subjects.isEmpty else { return records }
        let placeholders = subjects.map { _ in "?" }.joined(separator: ",")
        var people: [String: Int64] = [:]
        var keys: [String: String] = [:]
        for row in try Row.fetchAll(
            db, sql: "SELECT subject, userId, sealKey FROM audit_subjects WHERE subject IN (\(placeholders))",
            arguments: StatementArguments(subjects))
        {
            people[row["subject"]] = row["userId"]
            keys[row["subject"]] = row["sealKey"]
        }
        return records.map { record in
            var named = record
            if let subject = record.subject, named.userId == nil { named.userId = people[subject] }
            if let owner = AuditDetailSeal.subject(of: record.detail) {
                named.openedDetail = AuditDetailSeal.open(record.detail, key: keys[owner])
            }
            return named
        }
    }

    /// `/forgetme`: everything about the person goes, and what must stay is cut loose from them. Kept: their
    /// access grant (the `members` row: role and block, without who or when), a lockout still in force, their runs'
    /// costs under no one (user 0, fresh ids: the team's daily total stays right), and the audit log's entries under
    /// a pseudonym whose mapping and key are deleted here (the details, sealed with that key, can no longer be read;
    /// the chain still verifies). Replies to other chats that name them (admin notices, answers to `/allow`) go.
    private func erase(userId: Int64, in db: Database) throws {
        let person = String(userId)
        var namingThem: [String] = []
        for row in try Row.fetchAll(db, sql: "SELECT id, text FROM outbox WHERE chatId != ?", arguments: [userId]) {
            let stored: String = row["text"]
            let text = (try? sealer.cipher.map { try $0.open(stored) } ?? stored) ?? ""
            if Self.mentions(text, number: person) { namingThem.append(row["id"] as String) }
        }
        for id in namingThem { _ = try OutboxRecord.deleteOne(db, key: id) }
        let statements = [
            "DELETE FROM job_files WHERE jobId IN (SELECT id FROM jobs WHERE userId = :user)",
            "DELETE FROM job_tools WHERE jobId IN (SELECT id FROM jobs WHERE userId = :user)",
            """
            DELETE FROM rules WHERE scope IN (SELECT 'job:' || id FROM jobs WHERE userId = :user)
                OR scope IN (SELECT 'session:' || sessionId FROM sessions WHERE userId = :user)
                OR scope IN (SELECT 'session:' || sessionId FROM session_history WHERE userId = :user)
            """,
            """
            DELETE FROM outbox WHERE (chatId = :user OR jobId IN (SELECT id FROM jobs WHERE userId = :user))
                AND (kind IS NULL OR kind != '\(OutboxKind.ephemeral)')
            """,
            "DELETE FROM approvals WHERE userId = :user OR jobId IN (SELECT id FROM jobs WHERE userId = :user)",
            "DELETE FROM buttons WHERE userId = :user OR jobId IN (SELECT id FROM jobs WHERE userId = :user)",
            "UPDATE usage SET userId = 0, jobId = 'erased-' || lower(hex(randomblob(16))) WHERE userId = :user",
            "DELETE FROM jobs WHERE userId = :user",
            "DELETE FROM sessions WHERE userId = :user",
            "DELETE FROM session_history WHERE userId = :user",
            "DELETE FROM preferences WHERE userId = :user",
            "DELETE FROM schedules WHERE ownerId = :user",
            "DELETE FROM tokens WHERE userId = :user",
            "DELETE FROM auth_sessions WHERE userId = :user",
            "DELETE FROM rate_buckets WHERE userId = :user",
            """
            DELETE FROM lockouts WHERE userId = :user
                AND (lockedUntil IS NULL OR lockedUntil < CAST(strftime('%s', 'now') AS INTEGER) * 1000)
            """,
            "UPDATE lockouts SET failures = '' WHERE userId = :user",
            "UPDATE members SET changedBy = NULL, changedAt = 0, reason = NULL WHERE userId = :user",
            "UPDATE members SET changedBy = NULL WHERE changedBy = :user",
            "UPDATE topic_bindings SET boundBy = 0 WHERE boundBy = :user",
            "UPDATE updates SET userId = NULL, chatId = NULL WHERE userId = :user OR chatId = :user",
            "DELETE FROM audit_subjects WHERE userId = :user",
        ]
        for statement in statements {
            try db.execute(sql: statement, arguments: ["user": userId])
        }
    }

    /// Whether `text` names `number` as a whole number (not inside a longer one, such as a time).
    static func mentions(_ text: String, number: String) -> Bool {
        var searchRange = text.startIndex..<text.endIndex
        while let found = text.range(of: number, range: searchRange) {
            let before = found.lowerBound == text.startIndex ? nil : text[text.index(before: found.lowerBound)]
            let after = found.upperBound == text.endIndex ? nil : text[found.upperBound]
            if !(before?.isNumber ?? false) && !(after?.isNumber ?? false) { return true }
            searchRange = found.upperBound..<text.endIndex
        }
        return false
    }
}


/// The database's content was sealed with a key other than the configured one (or none is configured).
public struct LedgerKeyError: Error, CustomStringConvertible {
    public var code: String
    public var description: String

    static let missing = LedgerKeyError(
        code: "ledger.key_missing",
        description: "the database holds encrypted content but DATA_ENCRYPTION_KEY is not set; set the key it was written with")
    static let wrong = LedgerKeyError(
        code: "ledger.key_wrong",
        description: "DATA_ENCRYPTION_KEY is not the key this database was encrypted with; set the original key")
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

extension MemberRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "members"
}

extension AccessTokenRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "tokens"
}

extension AuthSessionRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "auth_sessions"
}

extension LockoutRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "lockouts"
}

extension RateBucketRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "rate_buckets"
}

extension UsageRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "usage"
}

extension SessionHistoryRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "session_history"
}

extension ScheduleRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "schedules"
}

extension TopicBindingRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "topic_bindings"
}

extension JobFileRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "job_files"
}

extension JobToolRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "job_tools"
}

extension UpdateRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "updates"
}
