import Foundation
import GRDB
import Guard
import Ledger
import Messages
import Testing

@Suite struct LedgerTests {
    static func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("gh-ledger-\(UUID().uuidString)/db.sqlite").path
    }

    static func update(_ id: Int64) -> UpdateRecord {
        UpdateRecord(updateId: id, receivedAt: 1, committedAt: 2, userId: 3, chatId: 3, kind: "message", disposition: "job")
    }

    @Test func sqliteLedgerRemembersUpdatesAcrossReopening() throws {
        let path = Self.temporaryPath()
        do {
            let ledger = try SQLiteLedger(path: path)
            #expect(try ledger.apply(LedgerChanges(newUpdate: Self.update(1))) == true)
        }
        let reopened = try SQLiteLedger(path: path)
        #expect(try reopened.apply(LedgerChanges(newUpdate: Self.update(1))) == false)
        #expect(try reopened.apply(LedgerChanges(newUpdate: Self.update(2))) == true)
    }

    @Test func oneUsersSpendingAndTheTeamsTotalAreReadFromTheWindowOnly() throws {
        for ledger in [try SQLiteLedger(path: Self.temporaryPath()), try SQLiteLedger.inMemory()] as [any Ledger] {
            var changes = LedgerChanges()
            changes.usage = [
                UsageRecord(jobId: "old", userId: 7, at: 100, costUSD: 9),
                UsageRecord(jobId: "b", userId: 7, at: 2_000, costUSD: 0.5),
                UsageRecord(jobId: "a", userId: 7, at: 1_000, costUSD: 0.25),
                UsageRecord(jobId: "other", userId: 8, at: 1_500, costUSD: 2),
            ]
            try ledger.apply(changes)
            #expect(try ledger.usage(userId: 7, since: 1_000).map(\.jobId) == ["a", "b"], "oldest first, window only")
            #expect(try ledger.usage(userId: 9, since: 0).isEmpty)
            #expect(try ledger.usageTotal(since: 1_000) == 2.75)
            #expect(try ledger.usageTotal(since: 5_000) == 0)
        }
    }

    @Test func rulesAreFoundByAnyOfTheirScopes() throws {
        for ledger in [try SQLiteLedger(path: Self.temporaryPath()), try SQLiteLedger.inMemory()] as [any Ledger] {
            var changes = LedgerChanges()
            changes.rules = [
                SessionRuleRecord(scope: "job:a", toolName: "Bash", signature: "ls", createdAt: 1),
                SessionRuleRecord(scope: "session:s", toolName: "Edit", signature: "x.swift", createdAt: 2),
                SessionRuleRecord(scope: "job:b", toolName: "Bash", signature: "pwd", createdAt: 3),
            ]
            try ledger.apply(changes)
            #expect(try ledger.rules(scopes: ["job:a"]).map(\.signature) == ["ls"])
            #expect(try Set(ledger.rules(scopes: ["session:s", "job:a"]).map(\.signature)) == ["ls", "x.swift"])
            #expect(try ledger.rules(scopes: ["job:c"]).isEmpty)
            #expect(try ledger.rules(scopes: []).isEmpty)
        }
    }

    @Test func theCheckpointerCopiesTheLogIntoTheDatabaseWhileCommitsLeaveItAlone() async throws {
        let path = Self.temporaryPath()
        let ledger = try SQLiteLedger(path: path, checkpointedElsewhere: true)
        // Far more than SQLite's own 1,000-page threshold, at which a commit would checkpoint by itself.
        let text = String(repeating: "x", count: 8_000)
        for index in 0..<600 {
            let job = JobRecord(
                id: "job-\(index)", updateId: Int64(index), userId: 3, chatId: 3, workspace: "", prompt: text,
                status: .queued, attempt: 0, createdAt: 1)
            try ledger.apply(LedgerChanges(newUpdate: Self.update(Int64(index)), jobs: [job]))
        }
        let checkpointer = try WALCheckpointer(path: path)
        let first = try await checkpointer.checkpoint()
        #expect(first.frames > 1_000, "no commit checkpointed the log")
        #expect(first.copied == first.frames)
        #expect(try ledger.job(id: "job-599")?.prompt == text)
    }

    @Test func theCheckpointerStartsTheLogOverItselfSoTheNextCommitOnlyAppends() async throws {
        let path = Self.temporaryPath()
        let ledger = try SQLiteLedger(path: path, checkpointedElsewhere: true)
        let checkpointer = try WALCheckpointer(path: path)
        for index in 0..<5 { try ledger.apply(LedgerChanges(newUpdate: Self.update(Int64(index)))) }
        let first = try await checkpointer.checkpoint()
        #expect(first.frames > 1 && first.copied == first.frames)
        // The guard's next commit finds the log started over (the checkpointer's one frame in it) and appends.
        try ledger.apply(LedgerChanges(newUpdate: Self.update(100)))
        let second = try await checkpointer.checkpoint()
        let oneCommit = try await Self.framesOfOneCommit()
        #expect(second.frames == 1 + oneCommit, "the commit restarted the log itself (\(second.frames) frames)")
        // Nobody committed since: nothing to copy, and the log is left as the checkpointer started it.
        let idle = try await checkpointer.checkpoint()
        #expect(idle.frames == 0 && idle.copied == 0)
        try ledger.apply(LedgerChanges(newUpdate: Self.update(101)))
        #expect(try await checkpointer.checkpoint().frames == 1 + oneCommit)
    }

    /// How many log frames committing one new update writes, on a database of its own.
    static func framesOfOneCommit() async throws -> Int {
        let path = temporaryPath()
        let ledger = try SQLiteLedger(path: path, checkpointedElsewhere: true)
        let checkpointer = try WALCheckpointer(path: path)
        try ledger.apply(LedgerChanges(newUpdate: update(1)))
        try await checkpointer.checkpoint()
        try ledger.apply(LedgerChanges(newUpdate: update(2)))
        try await checkpointer.checkpoint()
        try ledger.apply(LedgerChanges(newUpdate: update(3)))
        return try await checkpointer.checkpoint().frames - 1
    }

    @Test func aDuplicateUpdateChangesNothingElse() throws {
        for ledger in [try SQLiteLedger(path: Self.temporaryPath()), try SQLiteLedger.inMemory()] as [any Ledger] {
            try ledger.apply(LedgerChanges(newUpdate: Self.update(1)))
            let job = JobRecord(
                id: "j", updateId: 1, userId: 3, chatId: 3, workspace: "", prompt: "p", status: .queued, attempt: 0,
                createdAt: 1)
            #expect(try ledger.apply(LedgerChanges(newUpdate: Self.update(1), jobs: [job])) == false)
            #expect(try ledger.job(id: "j") == nil)
        }
    }

    @Test func aBatchCommitsEachUpdateOnceWithAnUnbrokenAuditChain() throws {
        for ledger in [try SQLiteLedger(path: Self.temporaryPath()), try SQLiteLedger.inMemory()] as [any Ledger] {
            try ledger.apply(LedgerChanges(newUpdate: Self.update(1)))
            let job = JobRecord(
                id: "j", updateId: 1, userId: 3, chatId: 3, workspace: "", prompt: "p", status: .queued, attempt: 0,
                createdAt: 1)
            let audited = { (id: Int64) in AuditEvent(at: EpochMillis(id), userId: 3, event: .accessDenied, detail: "update \(id)") }
            let batch = [
                LedgerChanges(newUpdate: Self.update(2), audit: [audited(2)]),
                LedgerChanges(newUpdate: Self.update(1), jobs: [job], audit: [audited(1)]),  // committed before
                LedgerChanges(newUpdate: Self.update(3), audit: [audited(3)]),
                LedgerChanges(newUpdate: Self.update(3), audit: [audited(3)]),  // earlier in the same batch
            ]
            #expect(try ledger.apply(batch) == [true, false, true, false])
            #expect(try ledger.job(id: "j") == nil)
            let records = try ledger.audit(fromSeq: 1, limit: 10)
            #expect(records.map(\.text) == ["update 2", "update 3"])
            #expect(AuditChain.verify(records, after: AuditChain.genesis, firstSeq: 1) == nil)
        }
    }

    @Test func auditChainVerifiesAndDetectsEditsAndDeletions() throws {
        let path = Self.temporaryPath()
        let ledger = try SQLiteLedger(path: path)
        let events = (1...5).map { AuditEvent(at: EpochMillis(Int64($0)), userId: 9, event: AuditEventName.allCases[$0], detail: "d\($0)") }
        try ledger.apply(LedgerChanges(audit: events))
        let records = try ledger.audit(fromSeq: 1, limit: 10)
        #expect(records.count == 5)
        #expect(AuditChain.verify(records, after: AuditChain.genesis, firstSeq: 1) == nil)

        var edited = records
        edited[2].detail = "changed"
        #expect(AuditChain.verify(edited, after: AuditChain.genesis, firstSeq: 1)?.seq == 3)
        var deleted = records
        deleted.remove(at: 1)
        #expect(AuditChain.verify(deleted, after: AuditChain.genesis, firstSeq: 1)?.seq == 2)

        // The database itself refuses edits of the audit table.
        let queue = try DatabaseQueue(path: path)
        #expect(throws: DatabaseError.self) {
            try queue.write { db in try db.execute(sql: "UPDATE audit SET detail = 'x' WHERE seq = 1") }
        }
        #expect(throws: DatabaseError.self) {
            try queue.write { db in try db.execute(sql: "DELETE FROM audit WHERE seq = 1") }
        }
    }
}
