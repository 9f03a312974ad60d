import Foundation
import Guard
import Messages
import Testing

/// A job runs at most once: executors start Claude only after the guard recorded the job as running there.
@Suite struct AtMostOnceTests {
    @Test func acceptanceIsAnsweredWithGoOnlyForTheCurrentAttempt() async throws {
        let guardian = GuardHarness()
        _ = try await guardian.registerExecutor("a")
        let job = try #require(try await guardian.send(guardian.message(updateId: 1, from: 100, text: "x"), on: .intake, from: guardian.ingress)
            .messages(JobAssignment.self).first?.message)
        let out = try await guardian.send(JobAccepted(jobId: job.jobId, attempt: 1, accepted: true), on: .work, from: Data("a".utf8))
        #expect(out.messages(JobGo.self).map(\.message) == [JobGo(jobId: job.jobId, attempt: 1)])
        #expect(try guardian.ledger.job(id: job.jobId)?.status == .running)
        // Asking again (after a guard restart, say) gets the same answer; a wrong attempt gets a cancel.
        let again = try await guardian.send(JobAccepted(jobId: job.jobId, attempt: 1, accepted: true), on: .work, from: Data("a".utf8))
        #expect(again.messages(JobGo.self).count == 1)
        let wrong = try await guardian.send(JobAccepted(jobId: job.jobId, attempt: 7, accepted: true), on: .work, from: Data("a".utf8))
        #expect(wrong.messages(JobGo.self).isEmpty)
        #expect(wrong.messages(CancelJob.self).count == 1)
    }

    @Test func anExecutorDyingAfterGoMeansInterruptedNeverRunAgain() async throws {
        let guardian = GuardHarness()
        _ = try await guardian.registerExecutor("a")
        _ = try await guardian.registerEgress()
        let job = try #require(try await guardian.send(guardian.message(updateId: 1, from: 100, text: "x"), on: .intake, from: guardian.ingress)
            .messages(JobAssignment.self).first?.message)
        _ = try await guardian.send(JobAccepted(jobId: job.jobId, attempt: 1, accepted: true), on: .work, from: Data("a".utf8))
        try await guardian.allowWrite(job.jobId, on: "a")
        _ = try await guardian.registerExecutor("b")
        guardian.clock.advance(ms: 4_000)
        _ = try await guardian.send(Heartbeat(senderId: "b", sentAt: 0), on: .work, from: Data("b".utf8))
        _ = try await guardian.send(Heartbeat(senderId: "eg", sentAt: 0), on: .delivery, from: guardian.egress)
        let out = await guardian.core.tick()
        #expect(out.messages(JobAssignment.self).isEmpty, "a job that may have started was dispatched again")
        #expect(try guardian.ledger.job(id: job.jobId)?.status == .interrupted)
    }

    @Test func aResultFromASupersededAttemptNeverBecomesAReply() async throws {
        var timing = GuardConfiguration.Timing()
        timing.dispatchTimeoutMs = 1_000
        let guardian = GuardHarness(timing: timing)
        _ = try await guardian.registerExecutor("a")
        let job = try #require(try await guardian.send(guardian.message(updateId: 1, from: 100, text: "x"), on: .intake, from: guardian.ingress)
            .messages(JobAssignment.self).first?.message)
        guardian.clock.advance(ms: 1_500)
        _ = try await guardian.send(Heartbeat(senderId: "a", sentAt: 0), on: .work, from: Data("a".utf8))
        let redispatch = await guardian.core.tick().messages(JobAssignment.self)
        #expect(redispatch.first?.message.attempt == 2)
        let stale = try await guardian.send(JobResult(jobId: job.jobId, attempt: 1, outcome: .cancelled, finishedAt: 1), on: .work, from: Data("a".utf8))
        #expect(stale.messages(JobResultAck.self).count == 1)
        #expect(try guardian.ledger.job(id: job.jobId)?.status == .dispatched)
        #expect(try guardian.ledger.dueOutbox(now: guardian.clock.now() + 60_000, limit: 10).isEmpty)
    }

    @Test func aStaleReRegistrationDoesNotRequeueAJobInFlightButANewProcessDoes() async throws {
        let guardian = GuardHarness(allowed: [100, 200])
        let ready = { (process: String) in ExecutorReady(executorId: "a", host: "h", capacity: 2, runningJobIds: [], processId: process) }
        _ = try await guardian.send(ready("p1"), on: .work, from: Data("a".utf8))
        let job = try #require(try await guardian.send(guardian.message(updateId: 1, from: 100, text: "x"), on: .intake, from: guardian.ingress)
            .messages(JobAssignment.self).first?.message)
        // The same process re-registers with a READY written before the job reached it.
        let stale = try await guardian.send(ready("p1"), on: .work, from: Data("a".utf8))
        #expect(stale.messages(JobAssignment.self).isEmpty)
        #expect(try guardian.ledger.job(id: job.jobId)?.status == .dispatched)
        #expect(try await guardian.send(JobAccepted(jobId: job.jobId, attempt: 1, accepted: true), on: .work, from: Data("a".utf8))
            .messages(JobGo.self).count == 1)
        try await guardian.allowWrite(job.jobId, on: "a")

        let second = try #require(try await guardian.send(guardian.message(updateId: 2, from: 200, text: "y"), on: .intake, from: guardian.ingress)
            .messages(JobAssignment.self).first?.message)
        // A new process without the job: it is gone, dispatched again at once; the running one, which had written
        // a file, is interrupted.
        let restarted = try await guardian.send(ready("p2"), on: .work, from: Data("a".utf8))
        #expect(restarted.messages(JobAssignment.self).map(\.message.jobId) == [second.jobId])
        #expect(restarted.messages(JobAssignment.self).first?.message.attempt == 2)
        #expect(try guardian.ledger.job(id: job.jobId)?.status == .interrupted)
    }
}
