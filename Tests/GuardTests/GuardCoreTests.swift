import Foundation
import Guard
import Ledger
import Messages
import Testing

@Suite struct GuardCoreTests {
    @Test func strangerIsRefusedAndNothingRuns() async throws {
        let guardian = GuardHarness()
        _ = try await guardian.registerExecutor("e1")
        let out = try await guardian.send(guardian.message(updateId: 1, from: 999, text: "rm -rf /"), on: .intake, from: guardian.ingress)
        #expect(out.messages(UpdateAck.self).map(\.message) == [UpdateAck(updateId: 1, outcome: .committed)])
        #expect(out.messages(JobAssignment.self).isEmpty)
        #expect(try guardian.ledger.jobs(in: Set(JobStatus.allCases)).isEmpty)
        let replies = try guardian.ledger.dueOutbox(now: guardian.clock.now(), limit: 10)
        #expect(replies.count == 1)
        #expect(replies.first?.text.contains("not allowed") == true)
        #expect(replies.first?.text.contains("999") == true)
        let audit = try guardian.ledger.audit(fromSeq: 1, limit: 10)
        #expect(audit.map(\.event) == ["access.denied"])
    }

    @Test func repeatedUpdateIsAcknowledgedButNotProcessedTwice() async throws {
        let guardian = GuardHarness()
        let update = guardian.message(updateId: 7, from: 100, text: "hello")
        let first = try await guardian.send(update, on: .intake, from: guardian.ingress)
        let second = try await guardian.send(update, on: .intake, from: guardian.ingress)
        #expect(first.messages(UpdateAck.self).first?.message.outcome == .committed)
        #expect(second.messages(UpdateAck.self).first?.message.outcome == .duplicate)
        #expect(try guardian.ledger.jobs(in: Set(JobStatus.allCases)).count == 1)
    }

    @Test func jobRunsOnlyInAFreeSlotAndTheAnswerIsQueuedForDelivery() async throws {
        let guardian = GuardHarness()
        // No executor yet: the job waits.
        let queued = try await guardian.send(guardian.message(updateId: 1, from: 100, text: "hi"), on: .intake, from: guardian.ingress)
        #expect(queued.messages(JobAssignment.self).isEmpty)

        let registered = try await guardian.registerExecutor("e1")
        let assignment = try #require(registered.messages(JobAssignment.self).first)
        #expect(assignment.peer == Data("e1".utf8))
        #expect(assignment.message.prompt == "hi")
        #expect(assignment.message.attempt == 1)

        _ = try await guardian.start(assignment.message.jobId, on: "e1")
        let done = try await guardian.send(
            JobResult(jobId: assignment.message.jobId, attempt: 1, outcome: .completed, text: "**Hello**", costUSD: 0.01,
                      sessionId: "s-1", finishedAt: guardian.clock.now()),
            on: .work, from: Data("e1".utf8))
        #expect(done.messages(JobResultAck.self).map(\.message.jobId) == [assignment.message.jobId])

        let egressOut = try await guardian.registerEgress()
        let delivery = try #require(egressOut.messages(Delivery.self).first?.message)
        #expect(delivery.text == "**Hello**")
        #expect(delivery.format == .markdown)
        #expect(delivery.replyToMessageId == 10)

        _ = try await guardian.send(DeliveryResult(deliveryId: delivery.deliveryId, status: .sent, telegramMessageIds: [55]),
                                    on: .delivery, from: guardian.egress)
        let stored = try #require(try guardian.ledger.outbox(id: delivery.deliveryId))
        #expect(stored.status == .sent)
        #expect(stored.telegramMessageIds == "55")
        #expect(try guardian.ledger.session(userId: 100, workspace: "")?.sessionId == "s-1")
    }

    @Test func aUsersSecondMessageWaitsForTheFirstAndContinuesItsSession() async throws {
        let guardian = GuardHarness()
        _ = try await guardian.registerExecutor("e1", capacity: 4)
        let first = try await guardian.send(guardian.message(updateId: 1, from: 100, text: "one"), on: .intake, from: guardian.ingress)
        let second = try await guardian.send(guardian.message(updateId: 2, from: 100, text: "two"), on: .intake, from: guardian.ingress)
        let job = try #require(first.messages(JobAssignment.self).first?.message)
        #expect(second.messages(JobAssignment.self).isEmpty)
        let finished = try await guardian.send(
            JobResult(jobId: job.jobId, attempt: 1, outcome: .completed, text: "1", sessionId: "sess", finishedAt: 1),
            on: .work, from: Data("e1".utf8))
        let next = try #require(finished.messages(JobAssignment.self).first?.message)
        #expect(next.prompt == "two")
        #expect(next.resumeSessionId == "sess")
    }

    @Test func dispatchPrefersTheExecutorIdleLongest() async throws {
        let guardian = GuardHarness(allowed: [1, 2, 3])
        _ = try await guardian.registerExecutor("a", capacity: 2)
        _ = try await guardian.registerExecutor("b", capacity: 2)
        var peers: [Data] = []
        for user: Int64 in 1...3 {
            guardian.clock.advance(ms: 10)
            let out = try await guardian.send(guardian.message(updateId: user, from: user, text: "x"), on: .intake, from: guardian.ingress)
            peers += out.messages(JobAssignment.self).map(\.peer)
        }
        #expect(peers == [Data("a".utf8), Data("b".utf8), Data("a".utf8)])
    }

    @Test func deadExecutorsNotStartedJobGoesElsewhereAndStartedJobIsInterruptedOnce() async throws {
        let guardian = GuardHarness(allowed: [1, 2])
        _ = try await guardian.registerExecutor("a", capacity: 2)
        let j1 = try #require(try await guardian.send(guardian.message(updateId: 1, from: 1, text: "x"), on: .intake, from: guardian.ingress)
            .messages(JobAssignment.self).first?.message)
        let j2 = try #require(try await guardian.send(guardian.message(updateId: 2, from: 2, text: "y"), on: .intake, from: guardian.ingress)
            .messages(JobAssignment.self).first?.message)
        _ = try await guardian.start(j1.jobId, on: "a")
        try await guardian.allowWrite(j1.jobId, on: "a")

        // b registers, a falls silent past the timeout while b keeps beating.
        _ = try await guardian.registerExecutor("b", capacity: 2)
        guardian.clock.advance(ms: 4_000)
        _ = try await guardian.send(Heartbeat(senderId: "b", sentAt: 0), on: .work, from: Data("b".utf8))
        let out = await guardian.core.tick()

        let redispatched = out.messages(JobAssignment.self)
        #expect(redispatched.map(\.message.jobId) == [j2.jobId])
        #expect(redispatched.first?.peer == Data("b".utf8))
        #expect(redispatched.first?.message.attempt == 2)
        #expect(try guardian.ledger.job(id: j1.jobId)?.status == .interrupted)

        // Exactly one notice for the interrupted job, however often time passes.
        _ = await guardian.core.tick()
        guardian.clock.advance(ms: 1_000)
        _ = await guardian.core.tick()
        let notices = try guardian.ledger.dueOutbox(now: guardian.clock.now(), limit: 50).filter { $0.jobId == j1.jobId }
        #expect(notices.count == 1)
        #expect(notices.first?.text.contains("interrupted") == true)
    }

    @Test func afterAGuardRestartAReRegisteringExecutorsRunningJobsAreKept() async throws {
        let ledger = try SQLiteLedger.inMemory()
        let before = GuardHarness(ledger: ledger)
        _ = try await before.registerExecutor("a")
        let job = try #require(try await before.send(before.message(updateId: 1, from: 100, text: "x"), on: .intake, from: before.ingress)
            .messages(JobAssignment.self).first?.message)
        _ = try await before.start(job.jobId, on: "a")

        // A new guard on the same ledger: the executor comes back still running the job, then reports the result.
        let after = GuardHarness(ledger: ledger)
        let heartbeatAnswer = try await after.send(Heartbeat(senderId: "a", sentAt: 0), on: .work, from: Data("a2".utf8))
        #expect(heartbeatAnswer.messages(Heartbeat.self).first?.message.registered == false)
        _ = try await after.send(ExecutorReady(executorId: "a", host: "h", capacity: 1, runningJobIds: [job.jobId]),
                                 on: .work, from: Data("a2".utf8))
        after.clock.advance(ms: 5_000)
        _ = try await after.send(Heartbeat(senderId: "a", sentAt: 0), on: .work, from: Data("a2".utf8))
        _ = await after.core.tick()
        #expect(try ledger.job(id: job.jobId)?.status == .running)
        _ = try await after.send(JobResult(jobId: job.jobId, attempt: 1, outcome: .completed, text: "ok", finishedAt: 2),
                                 on: .work, from: Data("a2".utf8))
        #expect(try ledger.job(id: job.jobId)?.status == .done)
    }

    @Test func aResultSentTwiceIsRecordedOnce() async throws {
        let guardian = GuardHarness()
        _ = try await guardian.registerExecutor("a")
        let job = try #require(try await guardian.send(guardian.message(updateId: 1, from: 100, text: "x"), on: .intake, from: guardian.ingress)
            .messages(JobAssignment.self).first?.message)
        let result = JobResult(jobId: job.jobId, attempt: 1, outcome: .completed, text: "ok", finishedAt: 2)
        _ = try await guardian.send(result, on: .work, from: Data("a".utf8))
        let again = try await guardian.send(result, on: .work, from: Data("a".utf8))
        #expect(again.messages(JobResultAck.self).count == 1)
        #expect(try guardian.ledger.dueOutbox(now: guardian.clock.now(), limit: 10).count == 1)
    }

    @Test func toolRequestsAreScreenedAgainstTheJobsWorkspace() async throws {
        let guardian = GuardHarness()
        _ = try await guardian.registerExecutor("a")
        let job = try #require(try await guardian.send(guardian.message(updateId: 1, from: 100, text: "x"), on: .intake, from: guardian.ingress)
            .messages(JobAssignment.self).first?.message)
        _ = try await guardian.start(job.jobId, on: "a")
        func ask(_ tool: String, _ input: JSONValue, from peer: String = "a") async throws -> PermissionDecision? {
            try await guardian.send(PermissionRequest(jobId: job.jobId, requestId: UUID().uuidString, toolName: tool, input: input),
                                    on: .work, from: Data(peer.utf8)).messages(PermissionDecision.self).first?.message
        }
        #expect(try await ask("Write", .object(["file_path": .string("/srv/projects/a.txt")]))?.allow == true)
        #expect(try await ask("Write", .object(["file_path": .string("/srv/projects/../x.txt")]))?.allow == false)
        #expect(try await ask("Read", .object(["file_path": .string("/etc/passwd")]))?.allow == false)
        #expect(try await ask("Bash", .object(["command": .string("ls")]))?.allow == true)
        #expect(try await ask("Bash", .object(["command": .string("cat ~/.ssh/id_rsa")]))?.allow == false)
        // Another executor cannot ask on this job's behalf.
        _ = try await guardian.registerExecutor("b")
        #expect(try await ask("Write", .object(["file_path": .string("/srv/projects/a.txt")]), from: "b")?.allow == false)
        let events = try guardian.ledger.audit(fromSeq: 1, limit: 50).map(\.event)
        #expect(events.filter { $0 == "tool.allowed" }.count == 2)
        #expect(events.filter { $0 == "tool.denied" }.count == 3)
    }

    @Test func malformedFramesAreDroppedWithoutEffect() async throws {
        let guardian = GuardHarness()
        for frames in [[Data("junk".utf8)], [Data("GH1".utf8), Data("intake.update".utf8), Data("{".utf8)], []] {
            #expect(await guardian.core.receive(link: .intake, peer: guardian.ingress, frames: frames).isEmpty)
        }
        #expect(try guardian.ledger.audit(fromSeq: 1, limit: 10).isEmpty)
    }

    @Test func failedDeliveryIsRetriedAfterRetryAfterAndRejectedOnesStop() async throws {
        let guardian = GuardHarness()
        _ = try await guardian.send(guardian.message(updateId: 1, from: 5, text: "hi"), on: .intake, from: guardian.ingress)
        let delivery = try #require(try await guardian.registerEgress().messages(Delivery.self).first?.message)
        _ = try await guardian.send(DeliveryResult(deliveryId: delivery.deliveryId, status: .retry, retryAfterMs: 7_000),
                                    on: .delivery, from: guardian.egress)
        guardian.clock.advance(ms: 6_000)
        _ = try await guardian.send(Heartbeat(senderId: "eg", sentAt: 0), on: .delivery, from: guardian.egress)
        #expect(await guardian.core.tick().messages(Delivery.self).isEmpty)
        guardian.clock.advance(ms: 1_100)
        _ = try await guardian.send(Heartbeat(senderId: "eg", sentAt: 0), on: .delivery, from: guardian.egress)
        let again = await guardian.core.tick().messages(Delivery.self)
        #expect(again.map(\.message.deliveryId) == [delivery.deliveryId])
        _ = try await guardian.send(DeliveryResult(deliveryId: delivery.deliveryId, status: .rejected, error: "blocked"),
                                    on: .delivery, from: guardian.egress)
        guardian.clock.advance(ms: 60_000)
        _ = try await guardian.send(Heartbeat(senderId: "eg", sentAt: 0), on: .delivery, from: guardian.egress)
        #expect(await guardian.core.tick().messages(Delivery.self).isEmpty)
        #expect(try guardian.ledger.outbox(id: delivery.deliveryId)?.status == .rejected)
    }
}
