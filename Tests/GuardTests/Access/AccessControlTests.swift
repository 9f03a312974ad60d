import Foundation
import Guard
import Messages
import Settings
import Testing

/// Who may do what: strangers, blocked people, admins managing people, and button presses, through the guard's
/// state machine with an in-memory ledger and a hand-moved clock.
@Suite struct AccessControlTests {
    @Test func aStrangerIsRefusedOnceAndAuditedEveryTime() async throws {
        let guardian = GuardHarness(allowed: [100])
        try await guardian.say("hello", from: 666, updateId: 1)
        try await guardian.say("hello again", from: 666, updateId: 2)
        let replies = try guardian.pendingReplies(to: 666)
        #expect(replies.count == 1)
        #expect(replies.first?.text.contains("not allowed") == true)
        #expect(replies.first?.text.contains("666") == true)
        #expect(try guardian.auditEvents("access.denied").count == 2)
        #expect(try guardian.queuedJobs(of: 666).isEmpty)
        guardian.clock.advance(ms: 600_001)
        try await guardian.say("and again", from: 666, updateId: 3)
        #expect(try guardian.pendingReplies(to: 666).count == 2, "a new refusal after the interval")
    }

    @Test func adminsAllowBlockAndUnblockFromTheChat() async throws {
        let guardian = GuardHarness(allowed: [100], admins: [1])
        try await guardian.say("/allow 200", from: 1, updateId: 1)
        try await guardian.say("do something", from: 200, updateId: 2)
        #expect(try guardian.queuedJobs(of: 200).count == 1, "allowed at run time")

        try await guardian.say("/block 100", from: 1, updateId: 3)
        try await guardian.say("work please", from: 100, updateId: 4)
        #expect(try guardian.queuedJobs(of: 100).isEmpty)
        #expect(try guardian.pendingReplies(to: 100).last?.text == ReplyTexts.blocked)
        try await guardian.say("/stop", from: 100, updateId: 5)
        #expect(try guardian.pendingReplies(to: 100).count == 1, "a blocked person gets one refusal, nothing else")

        try await guardian.say("/unblock 100", from: 1, updateId: 6)
        try await guardian.say("work please", from: 100, updateId: 7)
        #expect(try guardian.queuedJobs(of: 100).count == 1)
        let adminReplies = try guardian.pendingReplies(to: 1).map(\.text)
        #expect(adminReplies.contains { $0.contains("User 100 is blocked") })
        #expect(try guardian.auditEvents("admin.block").first?.userId == 1)
    }

    @Test func nonAdminsCannotManagePeopleAndConfiguredAdminsCannotBeBlocked() async throws {
        let guardian = GuardHarness(allowed: [100], admins: [1, 2])
        try await guardian.say("/block 200", from: 100, updateId: 1)
        #expect(try guardian.pendingReplies(to: 100).last?.text == ReplyTexts.adminsOnly)
        #expect(try guardian.ledger.member(userId: 200) == nil)
        try await guardian.say("/block 2", from: 1, updateId: 2)
        try await guardian.say("/block 1", from: 1, updateId: 3)
        try await guardian.say("/block abc", from: 1, updateId: 4)
        #expect(try guardian.ledger.members().isEmpty)
        let texts = try guardian.pendingReplies(to: 1).map(\.text)
        #expect(texts.count == 3)
        #expect(texts[0].contains("ADMIN_USERS"))
        #expect(texts[2].contains("user id"))
    }

    @Test func usersListsEveryone() async throws {
        let guardian = GuardHarness(allowed: [100, 101], admins: [1])
        try await guardian.say("/block 300", from: 1, updateId: 1)
        try await guardian.say("/users", from: 1, updateId: 2)
        let text = try #require(try guardian.pendingReplies(to: 1).last?.text)
        #expect(text.contains("100, 101"))
        #expect(text.contains("300: blocked"))
    }

    @Test func aStrangersButtonPressIsRefusedLikeAMessage() async throws {
        let guardian = GuardHarness(allowed: [100])
        _ = try await guardian.registerEgress()
        let press = InboundUpdate(
            updateId: 5, receivedAt: guardian.clock.now(), kind: .callbackQuery, sender: .init(id: 666),
            chat: .init(id: 666, type: "private"), messageId: 9, callback: .init(id: "cb1", data: "b:abcdefgh1234", messageId: 9))
        let out = try await guardian.send(press, on: .intake, from: guardian.ingress)
        let answers = out.messages(Delivery.self).filter { $0.message.kind == .answerCallback }
        #expect(answers.first?.message.text?.contains("not allowed") == true)
        #expect(try guardian.auditEvents("access.denied").count == 1)
    }

    @Test func forgedButtonDataIsAViolation() async throws {
        let guardian = GuardHarness(allowed: [100])
        let press = InboundUpdate(
            updateId: 5, receivedAt: guardian.clock.now(), kind: .callbackQuery, sender: .init(id: 100),
            chat: .init(id: 100, type: "private"), messageId: 9, callback: .init(id: "cb1", data: "b:zzzzzzzz0000", messageId: 9))
        _ = try await guardian.send(press, on: .intake, from: guardian.ingress)
        let violation = try #require(try guardian.auditEvents("security.violation").first)
        #expect(violation.text.contains("zzzzzzzz0000"))
    }
}
