import Foundation
import Guard
import Messages
import Testing

/// A flood of strangers is refused and audited in full, but answered only within the refusal budget, so the outbox
/// (and the bot's Telegram rate) stays free for the allowed users.
@Suite struct RefusalBudgetTests {
    @Test func strangersBeyondTheBurstAreAuditedButNotAnswered() async throws {
        let guardian = GuardHarness()
        for index in 1...30 {
            let out = try await guardian.send(
                guardian.message(updateId: Int64(index), from: 5_000 + Int64(index), text: "let me in"), on: .intake,
                from: guardian.ingress)
            #expect(out.messages(UpdateAck.self).map(\.message.outcome) == [.committed])
        }
        let replies = try guardian.ledger.dueOutbox(now: guardian.clock.now(), limit: 100)
        #expect(replies.count == 20)
        let audit = try guardian.ledger.audit(fromSeq: 1, limit: 100)
        #expect(audit.count == 30)
        #expect(audit.allSatisfy { $0.event == "access.denied" })
        #expect(audit.filter { $0.text.contains("not answered") }.count == 10)

        // The budget refills at one refusal a second.
        guardian.clock.advance(ms: 3_000)
        for index in 31...35 {
            _ = try await guardian.send(
                guardian.message(updateId: Int64(index), from: 5_000 + Int64(index), text: "let me in"), on: .intake,
                from: guardian.ingress)
        }
        #expect(try guardian.ledger.dueOutbox(now: guardian.clock.now(), limit: 100).count == 23)
    }

    @Test func allowedUsersAreAnsweredWhateverTheStrangersUsedUp() async throws {
        let guardian = GuardHarness(allowed: [100])
        _ = try await guardian.registerExecutor("e1")
        for index in 1...40 {
            _ = try await guardian.send(
                guardian.message(updateId: Int64(index), from: 5_000 + Int64(index), text: "let me in"), on: .intake,
                from: guardian.ingress)
        }
        let out = try await guardian.send(guardian.message(updateId: 41, from: 100, text: "/help"), on: .intake, from: guardian.ingress)
        #expect(out.messages(UpdateAck.self).map(\.message.outcome) == [.committed])
        let help = try guardian.ledger.dueOutbox(now: guardian.clock.now(), limit: 100).filter { $0.chatId == 100 }
        #expect(help.count == 1)
        let prompt = try await guardian.send(guardian.message(updateId: 42, from: 100, text: "hello"), on: .intake, from: guardian.ingress)
        #expect(prompt.messages(JobAssignment.self).count == 1)
    }
}
