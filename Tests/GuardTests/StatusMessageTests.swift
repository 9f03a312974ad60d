import Foundation
import Guard
import Messages
import Testing

/// The status message shows what Claude is doing, edited at most every 1.5 s and only when something changed.
@Suite struct StatusMessageTests {
    /// A running job whose status message Telegram has shown (message id 77).
    func runningJob(_ guardian: GuardHarness, verbosity: Int? = nil) async throws -> JobAssignment {
        _ = try await guardian.registerEgress()
        _ = try await guardian.registerExecutor("a")
        if let verbosity {
            _ = try await guardian.send(guardian.message(updateId: 50, from: 100, text: "/verbose \(verbosity)"), on: .intake, from: guardian.ingress)
        }
        let job = try #require(try await guardian.send(guardian.message(updateId: 1, from: 100, text: "work"), on: .intake, from: guardian.ingress)
            .messages(JobAssignment.self).first?.message)
        _ = try await guardian.start(job.jobId, on: "a")
        _ = try await guardian.send(DeliveryResult(deliveryId: "status-\(job.jobId)", status: .sent, telegramMessageIds: [77]),
                                    on: .delivery, from: guardian.egress)
        return job
    }

    func progress(_ guardian: GuardHarness, _ job: JobAssignment, _ sequence: Int, tool: String, _ summary: String) async throws {
        _ = try await guardian.send(JobProgress(jobId: job.jobId, sequence: sequence, kind: .toolUse, toolName: tool, summary: summary),
                                    on: .work, from: Data("a".utf8))
    }

    func edits(_ out: [Outbound]) -> [Delivery] {
        out.messages(Delivery.self).map(\.message).filter { $0.kind == .editMessage }
    }

    /// Keeps the peers alive while time passes.
    func advance(_ guardian: GuardHarness, ms: Int64) async throws -> [Outbound] {
        guardian.clock.advance(ms: ms)
        _ = try await guardian.send(Heartbeat(senderId: "a", sentAt: 0), on: .work, from: Data("a".utf8))
        _ = try await guardian.send(Heartbeat(senderId: "eg", sentAt: 0), on: .delivery, from: guardian.egress)
        return await guardian.core.tick()
    }

    @Test func toolCallsAreShownInOneCoalescedEditWithTheStopButton() async throws {
        let guardian = GuardHarness()
        let job = try await runningJob(guardian)
        try await progress(guardian, job, 1, tool: "Read", "src/a.swift")
        try await progress(guardian, job, 2, tool: "Bash", "swift test")
        #expect(edits(try await advance(guardian, ms: 500)).isEmpty, "edited sooner than 1.5 s")
        let out = edits(try await advance(guardian, ms: 1_100))
        #expect(out.count == 1)
        let edit = try #require(out.first)
        #expect(edit.targetMessageId == 77)
        #expect(edit.jobId == job.jobId)
        #expect(edit.text?.contains("• Read: src/a.swift") == true)
        #expect(edit.text?.contains("• Bash: swift test") == true)
        #expect(edit.buttons?.first?.first?.text == "Stop")
        // Nothing new: no edit (until the elapsed time is worth refreshing).
        #expect(edits(try await advance(guardian, ms: 2_000)).isEmpty)
        #expect(edits(try await advance(guardian, ms: 2_000)).isEmpty)
        #expect(edits(try await advance(guardian, ms: 12_000)).count == 1)
    }

    @Test func verbosityZeroShowsNoToolsAndTwoShowsRemarks() async throws {
        let quiet = GuardHarness()
        let quietJob = try await runningJob(quiet, verbosity: 0)
        try await progress(quiet, quietJob, 1, tool: "Read", "secret-plans.md")
        #expect(edits(try await advance(quiet, ms: 2_000)).isEmpty)

        let chatty = GuardHarness()
        let chattyJob = try await runningJob(chatty, verbosity: 2)
        _ = try await chatty.send(JobProgress(jobId: chattyJob.jobId, sequence: 1, kind: .assistantText, summary: "Let me look"),
                                  on: .work, from: Data("a".utf8))
        let edit = try #require(edits(try await advance(chatty, ms: 2_000)).first)
        #expect(edit.text?.contains("Let me look") == true)
    }

    @Test func theStatusMessageIsRemovedWhenTheJobEnds() async throws {
        let guardian = GuardHarness()
        let job = try await runningJob(guardian)
        let out = try await guardian.send(JobResult(jobId: job.jobId, attempt: 1, outcome: .completed, text: "done", finishedAt: 1),
                                          on: .work, from: Data("a".utf8))
        let deletion = out.messages(Delivery.self).map(\.message).first { $0.kind == .deleteMessage }
        #expect(deletion?.targetMessageId == 77)
        #expect(edits(try await advance(guardian, ms: 20_000)).isEmpty)
    }
}
