import Foundation
import Logging
import Synchronization
import Testing
@testable import Executor

/// The CLI is started before its job may run and gets the prompt only when released: the real CLI's start-up
/// overlaps the guard's go-ahead, and a job withdrawn before it never reaches Claude.
@Suite struct PromptReleaseTests {
    struct Run {
        var outcome: ClaudeOutcome
        var events: [ClaudeEvent]
        var releasedAt: Int64
    }

    func run(initialPrompt: String = "never-written", release: ClaudePromptRelease, after delay: Duration) async throws -> Run {
        let invocation = ClaudeInvocation(
            executable: try BenchFakeClaudeTests.fakePath(), workingDirectory: FileManager.default.temporaryDirectory.path,
            prompt: initialPrompt, environment: ["PATH": "/usr/bin:/bin"], timeout: .seconds(10),
            interruptGrace: .seconds(2), terminateGrace: .seconds(1))
        let events = Mutex<[ClaudeEvent]>([])
        let releasedAt = Atomic<Int64>(0)
        let outcome = try await ClaudeRunner(logger: Logger(label: "prompt-release-test")).run(
            invocation, cancellation: ClaudeCancellation(),
            release: {
                try? await Task.sleep(for: delay)
                releasedAt.store(Self.nowMicros(), ordering: .relaxed)
                return release
            },
            onEvent: { event in events.withLock { $0.append(event) } },
            decide: { _ in .deny(message: "not expected") })
        return Run(outcome: outcome, events: events.withLock { $0 }, releasedAt: releasedAt.load(ordering: .relaxed))
    }

    static func nowMicros() -> Int64 { Int64((Date().timeIntervalSince1970 * 1_000_000).rounded()) }

    @Test func theCLIStartsAtOnceAndRunsTheReleasedPromptOnlyWhenReleased() async throws {
        let run = try await run(release: .prompt("go bench-sleep-ms=150"), after: .milliseconds(300))
        #expect(run.outcome.ending == .completed)
        let text = try #require(run.outcome.resultText)
        let started = try #require(BenchFakeClaudeTests.stamp("started", in: text))
        let result = try #require(BenchFakeClaudeTests.stamp("result", in: text))
        #expect(started < run.releasedAt - 200_000, "the CLI started \(run.releasedAt - started) µs before the release")
        // The released prompt is the one the CLI ran (its directive took effect), not the invocation's own.
        #expect(result - run.releasedAt >= 150_000)
        #expect(run.events.first == .processStarted(pid: run.events.compactMap {
            if case .processStarted(let pid) = $0 { pid } else { nil }
        }.first ?? -1))
    }

    @Test func aWithheldPromptEndsTheRunCancelledWithoutClaudeSeeingIt() async throws {
        let run = try await run(release: .withheld(reason: nil), after: .milliseconds(100))
        #expect(run.outcome.ending == .cancelled)
        #expect(run.outcome.resultText == nil)
        #expect(run.outcome.sessionId == nil, "the CLI answered a prompt it should never have had")
        #expect(!run.events.contains { if case .processStarted = $0 { true } else { false } })
    }

    @Test func aPromptWithheldForAReasonFailsTheRunWithThatReason() async throws {
        let run = try await run(release: .withheld(reason: "the uploaded files could not be saved"), after: .zero)
        #expect(run.outcome.ending == .failed)
        #expect(run.outcome.errors.contains("the uploaded files could not be saved"))
        #expect(run.outcome.resultText == nil)
    }
}
