import Foundation
import Guard
import Messages
import Testing

/// Prompts that wait because no executor is connected are not waited out in silence.
@Suite struct ExecutorOutageTests {
    typealias Job = ExecutorOutage.QueuedJob

    @Test func eachPersonOnceAfterASecondAdminsOncePerOutageAndWhenItEnds() {
        var outage = ExecutorOutage()
        // The outage begins at 0; nobody is told before it is 2 s old, nor about a prompt younger than 1 s.
        #expect(outage.review(now: 0, executorAvailable: false, queued: [Job(id: "a", queuedAt: -5_000)]).isEmpty)
        #expect(outage.review(now: 1_900, executorAvailable: false, queued: [Job(id: "a", queuedAt: -5_000)]).isEmpty)
        #expect(outage.review(now: 1_000, executorAvailable: false, queued: [Job(id: "a", queuedAt: 500)]).isEmpty)
        let first = outage.review(now: 2_000, executorAvailable: false, queued: [Job(id: "a", queuedAt: 500), Job(id: "b", queuedAt: 1_400)])
        #expect(first.waitingJobs == ["a"] && first.outageStarted == 2 && !first.outageEnded)
        let second = outage.review(now: 2_500, executorAvailable: false, queued: [Job(id: "a", queuedAt: 500), Job(id: "b", queuedAt: 1_400)])
        #expect(second.waitingJobs == ["b"] && second.outageStarted == nil, "told twice: \(second)")
        #expect(outage.review(now: 9_000, executorAvailable: false, queued: [Job(id: "a", queuedAt: 500)]).isEmpty)
        let back = outage.review(now: 9_500, executorAvailable: true, queued: [])
        #expect(back == ExecutorOutage.Notices(waitingJobs: [], outageStarted: nil, outageEnded: true))
        #expect(outage.review(now: 9_750, executorAvailable: true, queued: []).isEmpty)
        // A second outage is a new one.
        #expect(outage.review(now: 20_000, executorAvailable: false, queued: [Job(id: "a", queuedAt: 500)]).isEmpty)
        let again = outage.review(now: 22_000, executorAvailable: false, queued: [Job(id: "a", queuedAt: 500)])
        #expect(again.waitingJobs == ["a"] && again.outageStarted == 1)
    }

    @Test func noExecutorMeansThePersonHearsWhyWithinTwoSecondsAndAdminsAreTold() async throws {
        let guardian = GuardHarness(admins: [900])
        _ = try await guardian.registerEgress()
        guardian.clock.advance(ms: 4_000)  // past the start-up grace in which executors register again
        _ = await guardian.core.tick()
        guardian.clock.advance(ms: 2_000)  // no executor for 2 s: an outage
        _ = await guardian.core.tick()
        _ = try await guardian.say("hello", from: 100, updateId: 1)
        guardian.clock.advance(ms: 500)
        _ = await guardian.core.tick()
        #expect(try texts(guardian).isEmpty, "told before the patience ran out")
        guardian.clock.advance(ms: 750)
        _ = await guardian.core.tick()
        let told = try texts(guardian)
        #expect(told.filter { $0.chat == 100 }.map(\.text) == [ReplyTexts.queuedWithoutExecutor])
        #expect(told.filter { $0.chat == 900 }.map(\.text) == [ReplyTexts.executorsMissing(waiting: 1)])
        guardian.clock.advance(ms: 2_000)
        _ = await guardian.core.tick()
        #expect(try texts(guardian).count == 2, "told again")

        let out = try await guardian.registerExecutor("a") + (await guardian.core.tick())
        #expect(out.messages(JobAssignment.self).first?.message.prompt == "hello")
        #expect(try texts(guardian).filter { $0.chat == 900 }.map(\.text).last == ReplyTexts.executorsBack)
    }

    func texts(_ guardian: GuardHarness) throws -> [(chat: Int64, text: String)] {
        try guardian.ledger.dueOutbox(now: .max, limit: 100).map { ($0.chatId, $0.text) }
    }
}
