import AccessControl
import Foundation
import Guard
import Ledger
import Messages
import Settings
import Testing

/// `/auth <token>`: sign-in with tokens an admin issued, lockout after repeated failures, sessions that expire.
@Suite struct TokenAuthTests {
    static let secret = "0123456789abcdef0123456789abcdef-test-secret"

    static func harness(allowed: Set<Int64> = [100]) -> GuardHarness {
        GuardHarness(allowed: allowed, admins: [1]) { configuration in
            configuration.access.tokenSecret = Secret(secret)
            configuration.access.sessionTimeoutMs = 3_600_000
        }
    }

    static func issue(to userId: Int64, in guardian: GuardHarness, ttlSeconds: Int64 = 86_400) throws -> String {
        let issued = try AccessTokenIssuer(secret: Array(secret.utf8))
            .issue(userId: userId, now: guardian.clock.now(), ttlSeconds: ttlSeconds)
        var changes = LedgerChanges()
        changes.tokens = [AccessTokenRecord(
            id: issued.id, userId: userId, hash: issued.hash, issuedAt: issued.issuedAt, expiresAt: issued.expiresAt)]
        try guardian.ledger.apply(changes)
        return issued.token
    }

    @Test func aValidTokenLetsAStrangerInAndItsMessageIsDeleted() async throws {
        let guardian = Self.harness()
        let token = try Self.issue(to: 500, in: guardian)
        try await guardian.say("/auth \(token)", from: 500, updateId: 1)
        let outbox = try guardian.pendingReplies(to: 500)
        let deletion = try #require(outbox.first { $0.kind == "delete" })
        #expect(deletion.targetMessageId == 10, "the message that held the token")
        #expect(outbox.contains { $0.text == ReplyTexts.authSucceeded })
        try await guardian.say("now work", from: 500, updateId: 2)
        #expect(try guardian.queuedJobs(of: 500).count == 1)
        #expect(try guardian.auditEvents("auth.success").count == 1)
        let audit = try guardian.ledger.audit(fromSeq: 1, limit: 1_000)
        #expect(!audit.contains { $0.text.contains(token) }, "the token never reaches the audit log")
        #expect(!(try guardian.ledger.tokens(userId: 500)).contains { $0.hash.contains(token) })
    }

    @Test func someoneElsesExpiredOrRevokedTokenFails() async throws {
        let guardian = Self.harness()
        let theirs = try Self.issue(to: 501, in: guardian)
        try await guardian.say("/auth \(theirs)", from: 500, updateId: 1)
        let expired = try Self.issue(to: 500, in: guardian, ttlSeconds: 60)
        guardian.clock.advance(ms: 61_000)
        try await guardian.say("/auth \(expired)", from: 500, updateId: 2)
        try await guardian.say("/auth gh_00000000_forged", from: 500, updateId: 3)
        try await guardian.say("please run", from: 500, updateId: 4)
        #expect(try guardian.queuedJobs(of: 500).isEmpty)
        let failures = try guardian.auditEvents("auth.failure").map(\.text)
        #expect(failures.count == 3)
        #expect(failures[0].contains("another user"))
        #expect(failures[1].contains("expired"))
        #expect(try guardian.pendingReplies(to: 500).filter { $0.kind == "delete" }.count == 3)
    }

    @Test func repeatedFailuresLockTheGuesserOutEvenWithTheRightToken() async throws {
        let guardian = Self.harness()
        let token = try Self.issue(to: 500, in: guardian)
        for attempt in 1...5 {
            try await guardian.say("/auth gh_1234abcd_guess\(attempt)", from: 500, updateId: Int64(attempt))
        }
        #expect(try guardian.pendingReplies(to: 500).last?.text.contains("Too many failed") == true)
        try await guardian.say("/auth \(token)", from: 500, updateId: 6)
        #expect(try guardian.auditEvents("auth.locked").count == 1)
        try await guardian.say("run", from: 500, updateId: 7)
        #expect(try guardian.queuedJobs(of: 500).isEmpty)
        guardian.clock.advance(ms: 1_800_001)
        try await guardian.say("/auth \(token)", from: 500, updateId: 8)
        #expect(try guardian.auditEvents("auth.success").count == 1, "the lock ends by itself")
    }

    @Test func idleSessionsExpireAndAreCleanedUp() async throws {
        let guardian = Self.harness()
        let token = try Self.issue(to: 500, in: guardian)
        try await guardian.say("/auth \(token)", from: 500, updateId: 1)
        guardian.clock.advance(ms: 3_000_000)
        try await guardian.say("still here", from: 500, updateId: 2)
        #expect(try guardian.queuedJobs(of: 500).count == 1, "activity keeps the session alive")
        guardian.clock.advance(ms: 3_600_001)
        try await guardian.say("too late", from: 500, updateId: 3)
        #expect(try guardian.queuedJobs(of: 500).count == 1, "the idle session ended")
        _ = await guardian.core.tick()
        #expect(try guardian.ledger.authSession(userId: 500) == nil)
        #expect(try guardian.auditEvents("auth.session_expired").count == 1)
    }

    @Test func withoutTokenAuthAuthIsRefused() async throws {
        let guardian = GuardHarness(allowed: [100])
        try await guardian.say("/auth gh_12345678_x", from: 500, updateId: 1)
        #expect(try guardian.pendingReplies(to: 500).first?.text.contains("not allowed") == true)
    }
}
