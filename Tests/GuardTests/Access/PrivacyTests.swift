import Foundation
import GRDB
import Guard
import Ledger
import Messages
import Testing

/// Data: content encrypted at rest, `/mydata` as a JSON file, `/forgetme` erasing everything but a pseudonymous
/// audit trail (whose chain still verifies).
@Suite struct PrivacyTests {
    static func temporaryDatabase() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-privacy-\(UUID().uuidString).sqlite").path
    }

    static let key = ContentCipher.keyMaterial(from: "an-encryption-passphrase-for-tests")

    @Test func promptsAndRepliesAreEncryptedAtRest() async throws {
        let path = Self.temporaryDatabase()
        let ledger = try SQLiteLedger(path: path, cipher: try ContentCipher(keyMaterial: Self.key))
        let guardian = GuardHarness(allowed: [100], ledger: ledger)
        try await guardian.say("the secret plan for project zebra", from: 100, updateId: 1)
        try await guardian.say("/verbose 5", from: 100, updateId: 2)
        #expect(try guardian.queuedJobs(of: 100).first?.prompt == "the secret plan for project zebra", "read back in clear")

        let raw = try DatabaseQueue(path: path)
        let prompts = try await raw.read { db in try String.fetchAll(db, sql: "SELECT prompt FROM jobs") }
        let texts = try await raw.read { db in try String.fetchAll(db, sql: "SELECT text FROM outbox") }
        #expect(prompts.count == 1 && prompts.allSatisfy { $0.hasPrefix("enc1:") && !$0.contains("zebra") })
        #expect(!texts.isEmpty && texts.allSatisfy { $0.hasPrefix("enc1:") })
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            + ((try? Data(contentsOf: URL(fileURLWithPath: path + "-wal"))) ?? Data())
        #expect(bytes.range(of: Data("zebra".utf8)) == nil, "no plaintext anywhere in the database files")
    }

    @Test func aWrongOrMissingKeyIsRefusedAtStart() throws {
        let path = Self.temporaryDatabase()
        _ = try SQLiteLedger(path: path, cipher: try ContentCipher(keyMaterial: Self.key))
        #expect(throws: LedgerKeyError.self) {
            _ = try SQLiteLedger(path: path, cipher: try ContentCipher(keyMaterial: ContentCipher.keyMaterial(from: "another-passphrase-entirely")))
        }
        #expect(throws: LedgerKeyError.self) { _ = try SQLiteLedger(path: path) }
        _ = try SQLiteLedger(path: path, cipher: try ContentCipher(keyMaterial: Self.key))
    }

    @Test func myDataSendsEverythingStoredAsJSON() async throws {
        for ledger in [try SQLiteLedger.inMemory() as any Ledger, try SQLiteLedger(path: Self.temporaryDatabase())] {
            let guardian = GuardHarness(allowed: [100], ledger: ledger)
            try await guardian.say("remember the zebra", from: 100, updateId: 1)
            try await guardian.say("/verbose 2", from: 100, updateId: 2)
            try await guardian.say("/mydata", from: 100, updateId: 3)
            let file = try #require(try guardian.pendingReplies(to: 100).first { $0.kind == "document" })
            #expect(file.fileName == "gatehouse-data-100.json")
            let data = try JSONDecoder().decode(PersonalData.self, from: Data(file.text.utf8))
            #expect(data.userId == 100)
            #expect(data.jobs.map(\.prompt) == ["remember the zebra"])
            #expect(data.preferences?.verbosity == 2)
            #expect(data.audit.contains { $0.event == "request.accepted" })
            #expect(data.audit.allSatisfy { $0.role == "by you" })
        }
    }

    @Test func forgetMeErasesAndLeavesAPseudonymousVerifiableAuditLog() async throws {
        for ledger in [try SQLiteLedger.inMemory() as any Ledger, try SQLiteLedger(path: Self.temporaryDatabase())] {
            let guardian = GuardHarness(allowed: [100, 101], ledger: ledger)
            try await guardian.say("remember the zebra", from: 100, updateId: 1)
            try await guardian.say("hello", from: 101, updateId: 2)
            try await guardian.say("/verbose 2", from: 100, updateId: 3)
            try await guardian.say("/forgetme", from: 100, updateId: 4)
            #expect(try guardian.ledger.preferences(userId: 100) != nil, "nothing happens without confirming")
            try await guardian.say("/forgetme confirm", from: 100, updateId: 5)

            let data = try guardian.ledger.personalData(userId: 100)
            #expect(data.preferences == nil && data.sessions.isEmpty && data.audit.isEmpty)
            #expect(data.jobs.isEmpty, "a queued job is dropped with its prompt")
            #expect(try guardian.pendingReplies(to: 100).map(\.text) == [ReplyTexts.forgotten])
            let audit = try guardian.ledger.audit(fromSeq: 1, limit: 1_000)
            #expect(!audit.contains { $0.userId == 100 }, "the audit log no longer names them")
            #expect(audit.contains { $0.userId == 101 }, "others are untouched")
            #expect(audit.filter { $0.event == "request.accepted" }.count == 2, "entries are kept")
            #expect(AuditChain.verify(audit, after: AuditChain.genesis, firstSeq: 1) == nil)
        }
    }

    @Test func forgetMeStopsARunningJobAndItsLateResultFindsNothing() async throws {
        for ledger in [try SQLiteLedger.inMemory() as any Ledger, try SQLiteLedger(path: Self.temporaryDatabase())] {
            let guardian = GuardHarness(allowed: [100], ledger: ledger)
            let job = try await guardian.runningJob(from: 100, on: "a")
            let out = try await guardian.say("/forgetme confirm", from: 100, updateId: 2)
            #expect(out.messages(CancelJob.self).map(\.message.jobId) == [job.jobId], "the running job is stopped")
            #expect(try guardian.ledger.job(id: job.jobId) == nil, "and forgotten")
            let late = try await guardian.send(
                JobResult(jobId: job.jobId, attempt: job.attempt, outcome: .cancelled, finishedAt: 5), on: .work,
                from: Data("a".utf8))
            #expect(late.messages(JobResultAck.self).count == 1, "a late result is only acknowledged")
            #expect(try guardian.pendingReplies(to: 100).map(\.text) == [ReplyTexts.forgotten])
            #expect(try guardian.ledger.personalData(userId: 100).usage.isEmpty)
        }
    }
}
