import Foundation
import GRDB

/// The guard's ledger in SQLite (WAL). Every write is one `BEGIN IMMEDIATE` transaction, so a decision and
/// everything it implies (job, reply, audit) are stored together or not at all.
///
/// One connection: the guard's core (an actor) is the only caller in its process, so a pool of readers bought
/// nothing but a transaction and two `PRAGMA query_only` statements around every read. Other processes (the
/// operator's tools) read and write through their own connection; WAL keeps them from blocking each other.
public final class SQLiteLedger: Ledger {
    let database: DatabaseQueue
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
            try sealer.sealed(job).upsertRow(db)
            // Uploads are kept only until their job ends.
            if job.status.isFinal {
                try db.execute(sql: "DELETE FROM job_files WHERE jobId = ?", arguments: [job.id])
                try db.execute(sql: "DELETE FROM job_tools WHERE jobId = ?", arguments: [job.id])
            }
        }
        for entry in changes.outbox { try sealer.sealed(entry).upsertRow(db) }
        for session in changes.sessions { try session.upsertRow(db) }
        for button in changes.buttons { try button.upsertRow(db) }
        for preferences in changes.preferences { try preferences.upsertRow(db) }
        for approval in changes.approvals { try sealer.sealed(approval).upsertRow(db) }
        for rule in changes.rules { try rule.upsertRow(db) }
        for member in changes.members { try member.upsertRow(db) }
        for token in changes.tokens { try token.upsertRow(db) }
        for userId in changes.endedAuthSessions { _ = try AuthSessionRecord.deleteOne(db, key: userId) }
        for session in changes.authSessions { try session.upsertRow(db) }
        for lockout in changes.lockouts { try lockout.upsertRow(db) }
        for bucket in changes.rateBuckets { try bucket.upsertRow(db) }
        for usage in changes.usage { try usage.upsertRow(db) }
        for entry in changes.sessionHistory { try sealer.sealed(entry).upsertRow(db) }
        for binding in changes.topicBindings { try binding.upsertRow(db) }
        for file in changes.jobFiles { try sealer.sealed(file).upsertRow(db) }
        for tool in changes.jobTools { try sealer.sealed(tool).upsertRow(db) }
        for schedule in changes.schedules { try sealer.sealed(schedule).upsertRow(db) }
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

    /// Hands back this connection's page cache (what a burst made it grow to); the guard's step of
    /// `MemoryRelease`, before the heap is trimmed.
    public func shrinkCache() {
        try? database.inDatabase { db in try db.execute(sql: "PRAGMA shrink_memory") }
    }
}
