import Foundation
import Guard
import Ledger
import Messages
import Testing

/// A running job whose attempt is lost (executor gone, CLI dead, silent past its time limit) is run again by the
/// guard itself when nothing that attempt was allowed could change anything; otherwise the person gets one notice
/// naming what had run, with a Retry button.
@Suite struct RestartTests {
    let a = Data("a".utf8)

    /// Egress, executors (capacity 1 each), and one job started on the first executor, its status message shown
    /// (Telegram id 700).
    func setUp(executors: [String] = ["a", "b", "c"]) async throws -> (GuardHarness, JobAssignment) {
        let guardian = GuardHarness()
        _ = try await guardian.registerEgress()
        for id in executors { _ = try await guardian.registerExecutor(id) }
        let said = try await guardian.say("look around", from: 100, updateId: 1)
        let job = try #require(said.messages(JobAssignment.self).first?.message)
        #expect(job.attempt == 1)
        _ = try await guardian.start(job.jobId, on: executors[0])
        // The status message goes with the dispatch.
        let status = try #require(said.messages(Delivery.self).first { $0.message.kind == .message }?.message)
        _ = try await guardian.send(DeliveryResult(deliveryId: status.deliveryId, status: .sent, telegramMessageIds: [700]),
                                    on: .delivery, from: guardian.egress)
        return (guardian, job)
    }

    func allow(_ guardian: GuardHarness, _ jobId: String, attempt: Int, on executor: String, _ id: String, _ tool: String,
               _ input: [String: String]) async throws {
        var request = PermissionRequest(jobId: jobId, requestId: id, toolName: tool, input: .object(input.mapValues { .string($0) }))
        request.attempt = attempt
        let out = try await guardian.send(request, on: .work, from: Data(executor.utf8))
        #expect(out.messages(PermissionDecision.self).first?.message.allow == true, "\(tool) was not allowed")
    }

    /// `dead` stops answering; everyone else keeps beating until the guard presumes it dead.
    func kill(_ dead: String, in guardian: GuardHarness, alive: [String]) async throws -> [Outbound] {
        guardian.clock.advance(ms: 4_000)
        for id in alive { _ = try await guardian.send(Heartbeat(senderId: id, sentAt: 0), on: .work, from: Data(id.utf8)) }
        _ = try await guardian.send(Heartbeat(senderId: "eg", sentAt: 0), on: .delivery, from: guardian.egress)
        return await guardian.core.tick()
    }

    func notices(_ guardian: GuardHarness, _ jobId: String) throws -> [OutboxRecord] {
        try guardian.ledger.dueOutbox(now: .max, limit: 100).filter { $0.jobId == jobId }
    }

    @Test func anAttemptLostWithOnlyReadsRunsAgainTwiceThenTheThirdLossIsANotice() async throws {
        let (guardian, job) = try await setUp()
        try await allow(guardian, job.jobId, attempt: 1, on: "a", "r1", "Read", ["file_path": "/srv/projects/README.md"])
        try await allow(guardian, job.jobId, attempt: 1, on: "a", "r2", "Bash", ["command": "ls -la"])

        // First loss: queued again after a short backoff, to a live executor, as attempt 2.
        let first = try await kill("a", in: guardian, alive: ["b", "c"])
        #expect(first.messages(JobAssignment.self).isEmpty, "dispatched before its backoff")
        var record = try #require(try guardian.ledger.job(id: job.jobId))
        #expect(record.status == .queued && record.restarts == 1)
        #expect(try notices(guardian, job.jobId).isEmpty, "the person was sent a notice")
        // The live status message says so, in one line.
        let edit = try #require(first.messages(Delivery.self).map(\.message).first { $0.kind == .editMessage })
        #expect(edit.targetMessageId == 700)
        #expect(edit.text?.contains(ReplyTexts.restarted(byCLI: false)) == true)
        guardian.clock.advance(ms: 250)
        let again = try #require(await guardian.core.tick().messages(JobAssignment.self).first)
        #expect(again.message.attempt == 2 && again.message.prompt == "look around")
        #expect(again.peer == Data("b".utf8))
        let restarted = try await guardian.start(job.jobId, attempt: 2, on: "b")
        #expect(!restarted.messages(Delivery.self).contains { $0.message.kind == .message }, "a second status message")

        // Second loss: once more, as attempt 3, after a longer backoff.
        try await allow(guardian, job.jobId, attempt: 2, on: "b", "r1", "Grep", ["pattern": "TODO"])
        let second = try await kill("b", in: guardian, alive: ["c"])
        #expect(second.messages(JobAssignment.self).isEmpty)
        record = try #require(try guardian.ledger.job(id: job.jobId))
        #expect(record.status == .queued && record.restarts == 2)
        guardian.clock.advance(ms: 1_000)
        let third = try #require(await guardian.core.tick().messages(JobAssignment.self).first)
        #expect(third.message.attempt == 3 && third.peer == Data("c".utf8))
        _ = try await guardian.start(job.jobId, attempt: 3, on: "c")

        // Third loss: no more restarts; one notice with a Retry button.
        let last = try await kill("c", in: guardian, alive: [])
        #expect(last.messages(JobAssignment.self).isEmpty)
        record = try #require(try guardian.ledger.job(id: job.jobId))
        #expect(record.status == .interrupted)
        let notice = try #require(try notices(guardian, job.jobId).first)
        #expect(notice.text == ReplyTexts.interrupted(byCLI: false, actions: [], restarts: 2))
        #expect(notice.buttons?.contains("Retry") == true)
        #expect(try guardian.auditEvents("job.restarted").count == 2)
        #expect(try guardian.auditEvents("job.interrupted").count == 1)
    }

    @Test func anAttemptLostAfterAWriteIsANoticeNamingTheWrite() async throws {
        let (guardian, job) = try await setUp()
        try await allow(guardian, job.jobId, attempt: 1, on: "a", "r1", "Read", ["file_path": "/srv/projects/a.txt"])
        try await allow(guardian, job.jobId, attempt: 1, on: "a", "r2", "Write", ["file_path": "/srv/projects/notes.txt", "content": "x"])
        let out = try await kill("a", in: guardian, alive: ["b", "c"])
        guardian.clock.advance(ms: 2_000)
        let later = await guardian.core.tick()
        #expect((out + later).messages(JobAssignment.self).isEmpty, "a job that wrote was run again")
        #expect(try guardian.ledger.job(id: job.jobId)?.status == .interrupted)
        let notice = try #require(try notices(guardian, job.jobId).first)
        #expect(notice.text.contains("• Write: notes.txt"))
        #expect(!notice.text.contains("Read"), "a read was listed as an action")
        #expect(notice.buttons?.contains("Retry") == true)
    }

    @Test func theNoticeListsFiveActionsAndCountsTheRest() {
        let actions = (1...8).map { "Edit: f\($0).swift" }
        let text = ReplyTexts.interrupted(byCLI: true, actions: actions, restarts: 0)
        #expect(text.contains("• Edit: f5.swift") && !text.contains("f6.swift"))
        #expect(text.contains("…and 3 more"))
        #expect(text.contains("Claude Code stopped unexpectedly"))
    }

    @Test func aTimeoutBeforeAnyToolRunsTheJobAgain() async throws {
        let (guardian, job) = try await setUp(executors: ["a"])
        let out = try await guardian.send(JobResult(jobId: job.jobId, attempt: 1, outcome: .timedOut, finishedAt: 5), on: .work, from: a)
        #expect(out.messages(JobResultAck.self).count == 1)
        #expect(try guardian.ledger.job(id: job.jobId)?.status == .queued)
        #expect(try notices(guardian, job.jobId).isEmpty)
        guardian.clock.advance(ms: 250)
        _ = try await guardian.send(Heartbeat(senderId: "a", sentAt: 0), on: .work, from: a)
        let again = try #require(await guardian.core.tick().messages(JobAssignment.self).first?.message)
        #expect(again.attempt == 2)
        _ = try await guardian.start(job.jobId, attempt: 2, on: "a")
        _ = try await guardian.send(JobResult(jobId: job.jobId, attempt: 2, outcome: .completed, text: "the answer", finishedAt: 9), on: .work, from: a)
        let replies = try notices(guardian, job.jobId)
        #expect(replies.map(\.text) == ["the answer"])
    }

    @Test func aTimeoutAfterAToolIsReportedAsATimeout() async throws {
        let (guardian, job) = try await setUp(executors: ["a"])
        try await allow(guardian, job.jobId, attempt: 1, on: "a", "r1", "Read", ["file_path": "/srv/projects/a.txt"])
        _ = try await guardian.send(JobResult(jobId: job.jobId, attempt: 1, outcome: .timedOut, finishedAt: 5), on: .work, from: a)
        #expect(try guardian.ledger.job(id: job.jobId)?.status == .done)
        #expect(try notices(guardian, job.jobId).map(\.text) == [ReplyTexts.timedOut(seconds: 60)])
    }

    @Test func aCLIThatDiedIsRunAgainUnlessItHadChangedSomething() async throws {
        let (guardian, job) = try await setUp(executors: ["a"])
        var died = JobResult(jobId: job.jobId, attempt: 1, outcome: .failed, errorDetail: "exit=137", finishedAt: 5)
        died.cliDied = true
        _ = try await guardian.send(died, on: .work, from: a)
        #expect(try guardian.ledger.job(id: job.jobId)?.status == .queued)
        guardian.clock.advance(ms: 250)
        _ = try await guardian.send(Heartbeat(senderId: "a", sentAt: 0), on: .work, from: a)
        #expect(await guardian.core.tick().messages(JobAssignment.self).first?.message.attempt == 2)
        _ = try await guardian.start(job.jobId, attempt: 2, on: "a")

        try await allow(guardian, job.jobId, attempt: 2, on: "a", "r1", "Edit", ["file_path": "/srv/projects/a.swift"])
        died.attempt = 2
        _ = try await guardian.send(died, on: .work, from: a)
        #expect(try guardian.ledger.job(id: job.jobId)?.status == .interrupted)
        let notice = try #require(try notices(guardian, job.jobId).first)
        #expect(notice.text.hasPrefix("Your request was interrupted: Claude Code stopped unexpectedly"))
        #expect(notice.text.contains("• Edit: a.swift"))
    }

    @Test func aToolCallOfALostAttemptIsDenied() async throws {
        let (guardian, job) = try await setUp(executors: ["a"])
        _ = try await guardian.send(JobResult(jobId: job.jobId, attempt: 1, outcome: .timedOut, finishedAt: 5), on: .work, from: a)
        guardian.clock.advance(ms: 250)
        _ = try await guardian.send(Heartbeat(senderId: "a", sentAt: 0), on: .work, from: a)
        _ = await guardian.core.tick()
        _ = try await guardian.start(job.jobId, attempt: 2, on: "a")
        var stale = PermissionRequest(jobId: job.jobId, requestId: "old", toolName: "Read", input: .object(["file_path": .string("/srv/projects/a")]))
        stale.attempt = 1
        let out = try await guardian.send(stale, on: .work, from: a)
        #expect(out.messages(PermissionDecision.self).first?.message.allow == false)
    }

    @Test func anExecutorBackWithAJobNoLongerItsOwnIsToldToCancelIt() async throws {
        let (guardian, job) = try await setUp(executors: ["a", "b"])
        _ = try await kill("a", in: guardian, alive: ["b"])
        let back = try await guardian.registerExecutor("a", running: [job.jobId])
        #expect(back.messages(CancelJob.self).map(\.message.jobId) == [job.jobId])
    }
}

/// A session is continued only once its transcript exists; one that cannot be continued never breaks the chat.
@Suite struct ResumableSessionTests {
    let a = Data("a".utf8)
    let session = "42752c7b-0000-4000-8000-000000000001"

    func run(_ guardian: GuardHarness, update: Int64, result: (String, Int) -> JobResult) async throws -> JobAssignment {
        let job = try #require(try await guardian.say("prompt \(update)", from: 100, updateId: update).messages(JobAssignment.self).first?.message)
        _ = try await guardian.start(job.jobId, attempt: job.attempt, on: "a")
        _ = try await guardian.send(result(job.jobId, job.attempt), on: .work, from: a)
        return job
    }

    @Test func aSessionWhoseFirstRunDiedBeforeSavingIsNotResumed() async throws {
        let guardian = GuardHarness()
        _ = try await guardian.registerExecutor("a")
        _ = try await run(guardian, update: 1) { id, attempt in
            var result = JobResult(jobId: id, attempt: attempt, outcome: .failed, sessionId: session, errorDetail: "exit=1", finishedAt: 5)
            result.sessionSaved = false
            return result
        }
        let next = try await run(guardian, update: 2) { id, attempt in
            var result = JobResult(jobId: id, attempt: attempt, outcome: .completed, text: "ok", sessionId: session, finishedAt: 9)
            result.sessionSaved = true
            return result
        }
        #expect(next.resumeSessionId == nil)
        let third = try await run(guardian, update: 3) { id, attempt in
            JobResult(jobId: id, attempt: attempt, outcome: .completed, text: "ok", sessionId: session, finishedAt: 12)
        }
        #expect(third.resumeSessionId == session)
    }

    @Test func aFailedRunWhoseTranscriptIsOnDiskIsResumed() async throws {
        let guardian = GuardHarness()
        _ = try await guardian.registerExecutor("a")
        _ = try await run(guardian, update: 1) { id, attempt in
            var result = JobResult(jobId: id, attempt: attempt, outcome: .failed, sessionId: session, finishedAt: 5)
            result.sessionSaved = true
            return result
        }
        let next = try await run(guardian, update: 2) { id, attempt in
            JobResult(jobId: id, attempt: attempt, outcome: .completed, text: "ok", finishedAt: 9)
        }
        #expect(next.resumeSessionId == session)
    }

    @Test func anAnswerFromAFreshSessionSaysSoInOneLineAndTheNewSessionContinues() async throws {
        let guardian = GuardHarness()
        _ = try await guardian.registerExecutor("a")
        _ = try await run(guardian, update: 1) { id, attempt in
            JobResult(jobId: id, attempt: attempt, outcome: .completed, text: "first", sessionId: session, finishedAt: 5)
        }
        let fresh = "42752c7b-0000-4000-8000-000000000002"
        let second = try await run(guardian, update: 2) { id, attempt in
            var result = JobResult(jobId: id, attempt: attempt, outcome: .completed, text: "second", sessionId: fresh, finishedAt: 9)
            result.sessionSaved = true
            result.freshSession = true
            return result
        }
        #expect(second.resumeSessionId == session)
        let reply = try #require(try guardian.pendingReplies(to: 100).first { $0.jobId == second.jobId })
        #expect(reply.text == ReplyTexts.freshSession + "\n\nsecond")
        let third = try await run(guardian, update: 3) { id, attempt in
            JobResult(jobId: id, attempt: attempt, outcome: .completed, text: "third", sessionId: fresh, finishedAt: 12)
        }
        #expect(third.resumeSessionId == fresh)
    }

    @Test func aSessionThatCouldNotBeContinuedIsForgottenEvenWhenTheFreshRunFailed() async throws {
        let guardian = GuardHarness()
        _ = try await guardian.registerExecutor("a")
        _ = try await run(guardian, update: 1) { id, attempt in
            JobResult(jobId: id, attempt: attempt, outcome: .completed, text: "first", sessionId: session, finishedAt: 5)
        }
        _ = try await run(guardian, update: 2) { id, attempt in
            var result = JobResult(jobId: id, attempt: attempt, outcome: .failed, finishedAt: 9)
            result.freshSession = true
            return result
        }
        let third = try await run(guardian, update: 3) { id, attempt in
            JobResult(jobId: id, attempt: attempt, outcome: .completed, text: "third", finishedAt: 12)
        }
        #expect(third.resumeSessionId == nil)
    }
}

extension GuardHarness {
    /// The executor asks about a Write inside the workspace, which the guard allows: from now on the attempt has
    /// changed something, and is never run again by itself.
    func allowWrite(_ jobId: String, attempt: Int = 1, on executor: String) async throws {
        var request = PermissionRequest(jobId: jobId, requestId: "write-\(attempt)", toolName: "Write",
                                        input: .object(["file_path": .string("/srv/projects/out.txt"), "content": .string("x")]))
        request.attempt = attempt
        let out = try await send(request, on: .work, from: Data(executor.utf8))
        #expect(out.messages(PermissionDecision.self).first?.message.allow == true)
    }
}

/// What each attempt was allowed survives a guard restart (SQLite), sealed like other content, and goes with its job.
@Suite struct JobToolLedgerTests {
    @Test func allowedCallsAreKeptPerAttemptSealedAndDroppedWhenTheJobEnds() throws {
        let path = LedgerTests.temporaryPath()
        let cipher = try ContentCipher(keyMaterial: [UInt8](repeating: 7, count: 32))
        var job = JobRecord(id: "j", updateId: 1, userId: 3, chatId: 3, workspace: "", prompt: "p", status: .running, attempt: 2, createdAt: 1)
        job.restarts = 1
        let call = { (attempt: Int, id: String, changes: Bool) in
            JobToolRecord(jobId: "j", attempt: attempt, requestId: id, toolName: changes ? "Write" : "Read",
                          summary: "secret-ish/path.txt", changes: changes, allowedAt: EpochMillis(Int64(attempt)))
        }
        do {
            let ledger = try SQLiteLedger(path: path, cipher: cipher)
            var changes = LedgerChanges(jobs: [job])
            changes.jobTools = [call(1, "r1", true), call(2, "r1", false), call(2, "r2", false)]
            try ledger.apply(changes)
        }
        let reopened = try SQLiteLedger(path: path, cipher: cipher)
        #expect(try reopened.job(id: "j")?.restarts == 1)
        #expect(try reopened.jobTools(jobId: "j", attempt: 2).map(\.requestId) == ["r1", "r2"])
        #expect(try reopened.jobTools(jobId: "j", attempt: 1).map(\.changes) == [true])
        #expect(try reopened.jobTools(jobId: "j", attempt: 1).first?.summary == "secret-ish/path.txt")
        let raw = try String(contentsOfFile: path, encoding: .isoLatin1)
            + ((try? String(contentsOfFile: path + "-wal", encoding: .isoLatin1)) ?? "")
        #expect(!raw.contains("secret-ish/path.txt"), "a summary was stored in the clear")
        job.status = .done
        try reopened.apply(LedgerChanges(jobs: [job]))
        #expect(try reopened.jobTools(jobId: "j", attempt: 2).isEmpty)
    }
}
