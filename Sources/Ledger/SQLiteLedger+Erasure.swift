import Foundation
import GRDB
import Messages

/// Pseudonyms in the audit log, and a person's data erased (`/forgetme`, `gatehouse users forget`).
extension SQLiteLedger {
    /// The audit pseudonym of a person and the key their entries' details are sealed with, both made on first use.
    static func subject(of userId: Int64, in db: Database) throws -> (subject: String, key: String) {
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
    static func named(_ records: [AuditRecord], in db: Database) throws -> [AuditRecord] {
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
    func erase(userId: Int64, in db: Database) throws {
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
