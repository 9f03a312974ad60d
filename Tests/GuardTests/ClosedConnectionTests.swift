import Foundation
import Guard
import Messages
import Testing

/// A peer whose connection closed is handled at once, without waiting for its heartbeats to be missed.
@Suite struct ClosedConnectionTests {
    @Test func anExecutorWhoseConnectionClosedHandsItsJobsOnWithoutWaitingForTheTimeout() async throws {
        let guardian = GuardHarness(allowed: [100, 200])
        _ = try await guardian.registerEgress()
        _ = try await guardian.registerExecutor("a", capacity: 2)
        let started = try #require(try await guardian.say("look around", from: 100, updateId: 1).messages(JobAssignment.self).first?.message)
        let waiting = try #require(try await guardian.say("and this", from: 200, updateId: 2).messages(JobAssignment.self).first?.message)
        _ = try await guardian.start(started.jobId, on: "a")
        _ = try await guardian.registerExecutor("b", capacity: 2)

        // No time passes: the transport has only said a's connection closed.
        #expect(await guardian.core.livenessProbe(link: .work, peer: Data("a".utf8)) != nil)
        let out = await guardian.core.connectionClosed(link: .work, peer: Data("a".utf8))
        let moved = out.messages(JobAssignment.self)
        #expect(moved.map(\.message.jobId) == [waiting.jobId], "the job never started is not dispatched at once")
        #expect(moved.first?.peer == Data("b".utf8) && moved.first?.message.attempt == 2)
        #expect(try guardian.ledger.job(id: started.jobId)?.status == .queued, "the started job (nothing changed) is not queued again")
        guardian.clock.advance(ms: 250)
        let restarted = try #require(await guardian.core.tick().messages(JobAssignment.self).first)
        #expect(restarted.message.jobId == started.jobId && restarted.peer == Data("b".utf8))

        // a is forgotten: a second close, or a probe, names nothing.
        #expect(await guardian.core.livenessProbe(link: .work, peer: Data("a".utf8)) == nil)
        #expect(await guardian.core.connectionClosed(link: .work, peer: Data("a".utf8)).isEmpty)
    }

    @Test func anUnknownPeerOrAStrangerOnIntakeGetsNoProbeAndChangesNothing() async throws {
        let guardian = GuardHarness()
        _ = try await guardian.registerExecutor("a")
        #expect(await guardian.core.livenessProbe(link: .work, peer: Data("zz".utf8)) == nil)
        #expect(await guardian.core.livenessProbe(link: .intake, peer: guardian.ingress) == nil)
        #expect(await guardian.core.connectionClosed(link: .work, peer: Data("zz".utf8)).isEmpty)
        let job = try #require(try await guardian.say("hello", from: 100, updateId: 1).messages(JobAssignment.self).first)
        #expect(job.peer == Data("a".utf8), "the executor was dropped")
    }

    @Test func anEgressWhoseConnectionClosedHasItsDeliveriesHandedToAnother() async throws {
        let guardian = GuardHarness()
        _ = try await guardian.registerEgress()
        _ = try await guardian.registerExecutor("a")
        let job = try #require(try await guardian.say("hello", from: 100, updateId: 1).messages(JobAssignment.self).first?.message)
        _ = try await guardian.start(job.jobId, on: "a")
        let finished = try await guardian.send(
            JobResult(jobId: job.jobId, attempt: 1, outcome: .completed, text: "the answer", finishedAt: 1), on: .work, from: Data("a".utf8))
        let reply = try #require(finished.messages(Delivery.self).first { $0.message.text?.contains("the answer") == true })
        #expect(reply.peer == guardian.egress)
        let other = Data("egress-2".utf8)
        _ = try await guardian.send(EgressReady(egressId: "eg-2", capacity: 4), on: .delivery, from: other)

        #expect(await guardian.core.livenessProbe(link: .delivery, peer: guardian.egress) != nil)
        let out = await guardian.core.connectionClosed(link: .delivery, peer: guardian.egress)
        let handedOn = out.messages(Delivery.self).filter { $0.message.deliveryId == reply.message.deliveryId }
        #expect(handedOn.map(\.peer) == [other], "the reply was not handed to the other egress")
    }
}
