import Foundation
import Guard
import Ledger
import Messages
import Testing

@Suite struct StopAndRetryTests {
    func press(_ guardian: GuardHarness, updateId: Int64, by user: Int64, data: String) async throws -> [Outbound] {
        try await guardian.send(InboundUpdate(
            updateId: updateId, receivedAt: 0, kind: .callbackQuery, sender: .init(id: user), chat: .init(id: user, type: "private"),
            messageId: 99, callback: .init(id: "cb\(updateId)", data: data, messageId: 99)), on: .intake, from: guardian.ingress)
    }

    /// A job running on executor "a", with its status message's Stop button data.
    func runningJob(_ guardian: GuardHarness, user: Int64 = 100) async throws -> (JobAssignment, String) {
        _ = try await guardian.registerEgress()
        _ = try await guardian.registerExecutor("a")
        let out = try await guardian.send(guardian.message(updateId: 1, from: user, text: "work"), on: .intake, from: guardian.ingress)
        let job = try #require(out.messages(JobAssignment.self).first?.message)
        _ = try await guardian.start(job.jobId, on: "a")
        // The status message goes with the dispatch, before the CLI starts.
        let status = try #require(out.messages(Delivery.self).first { $0.message.kind == .message }?.message)
        #expect(status.text?.hasPrefix(ReplyTexts.working) == true)
        let stop = try #require(status.buttons?.first?.first)
        #expect(stop.text == "Stop")
        #expect(stop.callbackData.utf8.count <= 64)
        return (job, stop.callbackData)
    }

    @Test func stopCommandCancelsTheRunningJobOnItsExecutorAndEndsQueuedOnes() async throws {
        let guardian = GuardHarness()
        let (job, _) = try await runningJob(guardian)
        _ = try await guardian.send(guardian.message(updateId: 2, from: 100, text: "next"), on: .intake, from: guardian.ingress)
        let out = try await guardian.send(guardian.message(updateId: 3, from: 100, text: "/stop"), on: .intake, from: guardian.ingress)
        let cancel = try #require(out.messages(CancelJob.self).first)
        #expect(cancel.peer == Data("a".utf8))
        #expect(cancel.message.jobId == job.jobId)
        let queued = try guardian.ledger.jobs(in: Set(JobStatus.allCases)).first { $0.updateId == 2 }
        #expect(queued?.status == .cancelled)
        let texts = try guardian.ledger.dueOutbox(now: guardian.clock.now() + 60_000, limit: 50).map(\.text)
        #expect(texts.contains(ReplyTexts.stoppedBeforeStart))
        #expect(texts.contains(ReplyTexts.stopping(2)))
        // The executor's cancelled result brings the running job's one final reply.
        _ = try await guardian.send(JobResult(jobId: job.jobId, attempt: 1, outcome: .cancelled, finishedAt: 5), on: .work, from: Data("a".utf8))
        #expect(try guardian.ledger.job(id: job.jobId)?.status == .cancelled)
    }

    @Test func onlyTheOwnerOrAnAdminCanPressStop() async throws {
        let guardian = GuardHarness(allowed: [100, 200])
        let (job, stopData) = try await runningJob(guardian)
        let byOther = try await press(guardian, updateId: 10, by: 200, data: stopData)
        #expect(byOther.messages(CancelJob.self).isEmpty)
        #expect(byOther.messages(Delivery.self).first?.message.text == ReplyTexts.buttonNotYours)
        let byStranger = try await press(guardian, updateId: 11, by: 999, data: stopData)
        #expect(byStranger.messages(CancelJob.self).isEmpty)
        #expect(byStranger.messages(Delivery.self).first?.message.kind == .answerCallback)

        let byOwner = try await press(guardian, updateId: 12, by: 100, data: stopData)
        #expect(byOwner.messages(CancelJob.self).map(\.message.jobId) == [job.jobId])
        // A second press of the same button does nothing more.
        let again = try await press(guardian, updateId: 13, by: 100, data: stopData)
        #expect(again.messages(CancelJob.self).isEmpty)
        #expect(again.messages(Delivery.self).first?.message.text == ReplyTexts.buttonExpired)
        let events = try guardian.ledger.audit(fromSeq: 1, limit: 100).map(\.event)
        #expect(events.contains("button.refused"))
        #expect(events.contains("access.denied"))
        #expect(events.contains("button.stop"))
    }

    @Test(arguments: ["", "b:", "b:../../etc", "b:" + String(repeating: "a", count: 70), "stop:1", "b:deadbeefdeadbeef", "b:DROP TABLE"])
    func forgedButtonDataDoesNothing(data: String) async throws {
        let guardian = GuardHarness()
        _ = try await runningJob(guardian)
        let out = try await press(guardian, updateId: 20, by: 100, data: data)
        #expect(out.messages(CancelJob.self).isEmpty)
        #expect(out.messages(JobAssignment.self).isEmpty)
        #expect(out.messages(UpdateAck.self).first?.message.outcome == .committed)
    }

    @Test func anInterruptedJobCanBeRetriedOnceByItsOwner() async throws {
        let guardian = GuardHarness()
        let (job, _) = try await runningJob(guardian)
        try await guardian.allowWrite(job.jobId, on: "a")
        // Executor "a" dies (after a write: not run again by itself); "b" arrives.
        guardian.clock.advance(ms: 4_000)
        _ = try await guardian.send(Heartbeat(senderId: "eg", sentAt: 0), on: .delivery, from: guardian.egress)
        _ = await guardian.core.tick()
        #expect(try guardian.ledger.job(id: job.jobId)?.status == .interrupted)
        let notice = try #require(try guardian.ledger.dueOutbox(now: guardian.clock.now() + 60_000, limit: 10).first { $0.jobId == job.jobId })
        let buttons = try JSONDecoder().decode([[Delivery.Button]].self, from: Data(try #require(notice.buttons).utf8))
        let retry = try #require(buttons.first?.first)
        #expect(retry.text == "Retry")

        _ = try await guardian.registerExecutor("b")
        let out = try await press(guardian, updateId: 30, by: 100, data: retry.callbackData)
        #expect(out.messages(Delivery.self).contains { $0.message.text == ReplyTexts.retrying })
        let rerun = try #require(out.messages(JobAssignment.self).first?.message)
        #expect(rerun.prompt == "work")
        #expect(rerun.jobId != job.jobId)
        let again = try await press(guardian, updateId: 31, by: 100, data: retry.callbackData)
        #expect(again.messages(JobAssignment.self).isEmpty)
    }

    @Test func aJobNotTakenInTimeIsDispatchedAgainAndCancelledWhereItWasSent() async throws {
        var timing = GuardConfiguration.Timing()
        timing.dispatchTimeoutMs = 5_000
        let guardian = GuardHarness(timing: timing)
        _ = try await guardian.registerExecutor("a")
        let job = try #require(try await guardian.send(guardian.message(updateId: 1, from: 100, text: "x"), on: .intake, from: guardian.ingress)
            .messages(JobAssignment.self).first?.message)
        guardian.clock.advance(ms: 3_000)
        _ = try await guardian.send(Heartbeat(senderId: "a", sentAt: 0), on: .work, from: Data("a".utf8))
        #expect(await guardian.core.tick().messages(CancelJob.self).isEmpty)
        guardian.clock.advance(ms: 2_500)
        _ = try await guardian.send(Heartbeat(senderId: "a", sentAt: 0), on: .work, from: Data("a".utf8))
        let out = await guardian.core.tick()
        #expect(out.messages(CancelJob.self).map(\.message.jobId) == [job.jobId])
        let again = try #require(out.messages(JobAssignment.self).first?.message)
        #expect(again.attempt == 2)
        // The late acceptance of attempt 1 is answered with a cancel, never a second run.
        let late = try await guardian.send(JobAccepted(jobId: job.jobId, attempt: 1, accepted: true), on: .work, from: Data("a".utf8))
        #expect(late.messages(CancelJob.self).count == 1)
    }
}
