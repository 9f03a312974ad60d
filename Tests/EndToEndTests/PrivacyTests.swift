import Foundation
import GRDB
import Guard
import Ledger
import TestSupport
import Testing

/// The privacy promises to the letter, through the real programs: `/mydata` holds every stored row about the person,
/// decrypted (compared with the database table by table), after a heading that arrives first; after `/forgetme`
/// nothing in the database (every table, every column, decrypted) names the person or holds their texts or job ids,
/// the team's daily cost total is unchanged and the audit log still verifies.
@Suite(.serialized) struct PrivacyEndToEndTests {
    let admin = FakeTelegramUser(id: 1000, firstName: "Ada")
    /// An id no time, cost or count in the database could contain by chance.
    let ann = FakeTelegramUser(id: 913_377_001, firstName: "Ann")
    let prompt = "remember the zebra QX-prompt-7781"
    let answer = "The zebra is remembered (answer QX-answer-5523)."

    var options: GatehouseCluster.Options {
        var options = GatehouseCluster.Options()
        options.allowedUsers = [ann.id]
        options.environment = ["ADMIN_USERS": String(admin.id)]
        return options
    }

    /// Every value of every row of every table, decrypted where it was sealed with `DATA_ENCRYPTION_KEY`, or with a
    /// person's audit key that still exists.
    static func everyValue(in database: DatabaseQueue, dataKey: String) throws -> [(table: String, row: Row, text: String)] {
        let cipher = try ContentCipher(keyMaterial: ContentCipher.keyMaterial(from: dataKey))
        return try database.read { db in
            let keys = try Dictionary(
                Row.fetchAll(db, sql: "SELECT subject, sealKey FROM audit_subjects WHERE sealKey IS NOT NULL")
                    .map { ($0["subject"] as String, $0["sealKey"] as String) }, uniquingKeysWith: { first, _ in first })
            var values: [(String, Row, String)] = []
            for table in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'") {
                for row in try Row.fetchAll(db, sql: "SELECT * FROM \"\(table)\"") {
                    for (_, value) in row {
                        guard !value.isNull else { continue }
                        var text = String(describing: value).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                        if let string = String.fromDatabaseValue(value) { text = string }
                        if text.hasPrefix("enc1:"), let opened = try? cipher.open(text) { text = opened }
                        if text.hasPrefix("sealed:"), let subject = text.dropFirst(7).split(separator: ":").first,
                            let key = keys[String(subject)],
                            let keyed = try? ContentCipher(keyMaterial: ContentCipher.keyMaterial(from: key)),
                            let opened = try? keyed.open(String(text.dropFirst(7 + subject.count + 1)))
                        {
                            text = opened
                        }
                        values.append((table, row, text))
                    }
                }
            }
            return values
        }
    }

    static func mentions(_ text: String, _ needle: String) -> Bool {
        guard needle.allSatisfy(\.isNumber) else { return text.contains(needle) }
        return text.range(of: "(?<![0-9])\(needle)(?![0-9])", options: .regularExpression) != nil
    }

    @Test func myDataHoldsEveryRowAndForgetMeLeavesNothingThatLinksBack() async throws {
        try await GatehouseCluster.with(options) { cluster in
            let telegram = cluster.telegram
            cluster.anthropic.setHandler { _ in .text(answer) }
            telegram.enqueueMessage(from: admin, text: "/help")
            _ = try #require(await cluster.reply(in: admin.id, containing: "/status"))
            telegram.enqueueMessage(from: ann, text: prompt)
            _ = try #require(await cluster.reply(in: ann.id, containing: "QX-answer-5523"))
            // An admin action naming her.
            telegram.enqueueMessage(from: admin, text: "/allow \(ann.id)")
            _ = try #require(await cluster.reply(in: admin.id, containing: "User \(ann.id)"))

            // /mydata: the heading first, then the document.
            telegram.enqueueMessage(from: ann, text: "/mydata")
            #expect(await telegram.waitUntil(timeout: .seconds(30)) { server in
                server.messages(inChat: 913_377_001).contains { $0.documentFilename?.hasPrefix("gatehouse-data") == true }
            })
            let messages = telegram.messages(inChat: ann.id)
            let heading = try #require(messages.first { ($0.plainText ?? "").contains("Everything Gatehouse stores about you") })
            let document = try #require(messages.first { $0.documentFilename?.hasPrefix("gatehouse-data") == true })
            #expect(heading.messageId < document.messageId, "the document came before its heading")
            let data = try JSONDecoder().decode(PersonalData.self, from: try #require(document.documentBytes))
            #expect(!data.summary.isEmpty && (heading.plainText ?? "").contains(data.summary.prefix(20)))

            // Row by row against the database.
            let database = try DatabaseQueue(path: cluster.databasePath)
            let user = ann.id
            try await database.read { db in
                let exportSeq = try #require(try Int64.fetchOne(
                    db, sql: "SELECT MAX(seq) FROM audit WHERE event = 'privacy.export'"))
                let jobs = try String.fetchAll(db, sql: "SELECT id FROM jobs WHERE userId = ? ORDER BY createdAt", arguments: [user])
                #expect(data.jobs.map(\.id) == jobs)
                let sessions = try String.fetchAll(db, sql: "SELECT sessionId FROM session_history WHERE userId = ?", arguments: [user])
                #expect(Set(data.sessionHistory.map(\.sessionId)) == Set(sessions))
                #expect(data.sessionHistory.first?.firstPrompt == prompt, "the stored first prompt is exported")
                let replies = try String.fetchAll(
                    db, sql: "SELECT id FROM outbox WHERE chatId = ? AND createdAt < (SELECT at FROM audit WHERE seq = ?)",
                    arguments: [user, exportSeq])
                #expect(Set(data.replies.map(\.id)) == Set(replies))
                #expect(data.replies.contains { $0.text.contains("QX-answer-5523") }, "replies are exported decrypted")
                let usage = try String.fetchAll(db, sql: "SELECT jobId FROM usage WHERE userId = ?", arguments: [user])
                #expect(Set(data.usage.map(\.jobId)) == Set(usage))
                let updates = try Int64.fetchAll(db, sql: "SELECT updateId FROM updates WHERE userId = ?", arguments: [user])
                #expect(Set(data.updates.map(\.updateId)) == Set(updates).subtracting([updates.max() ?? 0]), "all but /mydata itself")
                #expect(data.preferences?.userId == (try Int64.fetchOne(db, sql: "SELECT userId FROM preferences WHERE userId = ?", arguments: [user])))
                #expect(data.member?.role?.rawValue == (try String.fetchOne(db, sql: "SELECT role FROM members WHERE userId = ?", arguments: [user])))
                let subject = try #require(try String.fetchOne(db, sql: "SELECT subject FROM audit_subjects WHERE userId = ?", arguments: [user]))
                let audit = try Int64.fetchAll(
                    db, sql: "SELECT seq FROM audit WHERE (subject = ? OR detail LIKE ?) AND seq < ? ORDER BY seq",
                    arguments: [subject, "sealed:\(subject):%", exportSeq])
                #expect(data.audit.map(\.seq) == audit)
            }
            #expect(data.audit.contains { $0.event == "admin.allow" && $0.role == "about you" && $0.detail.contains(String(user)) })
            #expect(data.audit.contains { $0.event == "request.accepted" && $0.role == "by you" })
            let jobIds = data.jobs.map(\.id)
            let sessionIds = data.sessionHistory.map(\.sessionId)
            #expect(!jobIds.isEmpty && !sessionIds.isEmpty)

            // /forgetme: nothing left that names her or holds her texts or job ids.
            let totalBefore = try await database.read { db in try Double.fetchOne(db, sql: "SELECT TOTAL(costUSD) FROM usage") ?? 0 }
            telegram.enqueueMessage(from: ann, text: "/forgetme confirm")
            _ = try #require(await cluster.reply(in: ann.id, containing: "what was stored about you has been erased"))
            let needles = [String(user), prompt, "QX-prompt-7781", "QX-answer-5523"] + jobIds + sessionIds
            var found: [String] = []
            for _ in 0..<20 {  // the confirmation itself goes once Telegram has taken it
                found = try Self.everyValue(in: database, dataKey: cluster.dataKey).compactMap { table, row, text in
                    // Her access grant stays (role only, no who or when): documented.
                    if table == "members", row["userId"] as Int64? == user {
                        return row["changedBy"] as Int64? == nil && row["changedAt"] as Int64? == 0 ? nil : "members: \(row)"
                    }
                    guard let needle = needles.first(where: { Self.mentions(text, $0) }) else { return nil }
                    return "\(table): \(needle) in \(row)"
                }
                if found.isEmpty { break }
                try await Task.sleep(for: .milliseconds(250))
            }
            #expect(found.isEmpty, "still linked after /forgetme: \(found)")
            let totalAfter = try await database.read { db in try Double.fetchOne(db, sql: "SELECT TOTAL(costUSD) FROM usage") ?? 0 }
            #expect(abs(totalAfter - totalBefore) < 1e-9, "the team's daily total keeps her runs' cost")
            #expect(totalBefore > 0)
            let verify = try cluster.runTool(["audit", "verify"])
            #expect(verify.status == 0, "\(verify.output) \(verify.errors)")
            let tail = try cluster.runTool(["audit", "tail", "-n", "500"]).output
            #expect(tail.contains("[erased]"), "her entries stay, unreadable")
            #expect(!Self.mentions(tail, String(user)))
        }
    }
}
