import Foundation
import Logging
import Synchronization
import Testing
@testable import Executor

/// A successful answer is handed on as soon as the CLI prints it, not when the process has been reaped.
@Suite struct CompletedOutcomeTests {
    func run(_ prompt: String) async throws -> (outcome: ClaudeOutcome, early: ClaudeOutcome?, earlyAt: Int64, endedAt: Int64) {
        let invocation = ClaudeInvocation(
            executable: try BenchFakeClaudeTests.fakePath(), workingDirectory: FileManager.default.temporaryDirectory.path,
            prompt: prompt, environment: ["PATH": "/usr/bin:/bin"], timeout: .seconds(10))
        let early = Mutex<(ClaudeOutcome, Int64)?>(nil)
        let outcome = try await ClaudeRunner(logger: Logger(label: "completed-outcome-test")).run(
            invocation, cancellation: ClaudeCancellation(),
            onCompleted: { outcome in early.withLock { $0 = (outcome, PromptReleaseTests.nowMicros()) } },
            onEvent: { _ in }, decide: { _ in .deny(message: "not expected") })
        let endedAt = PromptReleaseTests.nowMicros()
        let (earlyOutcome, earlyAt) = early.withLock { ($0?.0, $0?.1 ?? 0) }
        return (outcome, earlyOutcome, earlyAt, endedAt)
    }

    @Test func aSuccessIsReportedWhileTheCLIIsStillExiting() async throws {
        let run = try await run("answer bench-linger-ms=300")
        #expect(run.outcome.ending == .completed)
        let early = try #require(run.early)
        #expect(early.ending == .completed)
        #expect(early.resultText == run.outcome.resultText)
        #expect(early.sessionId == run.outcome.sessionId)
        #expect(early.totalCostUSD == run.outcome.totalCostUSD)
        #expect(early.exitStatus == nil)
        #expect(run.outcome.exitStatus == 0)
        #expect(run.endedAt - run.earlyAt >= 250_000, "reported only \(run.endedAt - run.earlyAt) µs before the run ended")
    }

    @Test func aCLIThatExitsWithoutAResultIsNotReportedEarly() async throws {
        let invocation = ClaudeInvocation(
            executable: try BenchFakeClaudeTests.fakePath(), workingDirectory: FileManager.default.temporaryDirectory.path,
            prompt: "unused", environment: ["PATH": "/usr/bin:/bin"], timeout: .seconds(10))
        let early = Atomic<Bool>(false)
        let outcome = try await ClaudeRunner(logger: Logger(label: "completed-outcome-test")).run(
            invocation, cancellation: ClaudeCancellation(), release: { .withheld(reason: "not this time") },
            onCompleted: { _ in early.store(true, ordering: .relaxed) },
            onEvent: { _ in }, decide: { _ in .deny(message: "not expected") })
        #expect(outcome.ending == .failed)
        #expect(early.load(ordering: .relaxed) == false)
    }
}
