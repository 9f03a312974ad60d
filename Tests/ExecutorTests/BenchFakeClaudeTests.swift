import Foundation
import Logging
import Synchronization
import Testing
import TestSupport
@testable import Executor

/// The benchmarks' stand-in CLI (`gatehouse-bench-claude`) must speak the protocol the runner expects, or the
/// benchmark numbers would measure a failure path. Also checks that a run's end is noticed at once.
@Suite struct BenchFakeClaudeTests {
    static func fakePath() throws -> String {
        let path = BuildProducts.directory.appendingPathComponent("gatehouse-bench-claude").path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw HarnessError("no gatehouse-bench-claude at \(path); run `swift build` first")
        }
        return path
    }

    func run(_ prompt: String) async throws -> (ClaudeOutcome, [ClaudeEvent], ended: Int64) {
        let invocation = ClaudeInvocation(
            executable: try Self.fakePath(), workingDirectory: FileManager.default.temporaryDirectory.path, prompt: prompt,
            environment: ["PATH": "/usr/bin:/bin"], timeout: .seconds(10))
        let events = Mutex<[ClaudeEvent]>([])
        let outcome = try await ClaudeRunner(logger: Logger(label: "bench-fake-test")).run(
            invocation, cancellation: ClaudeCancellation(), onEvent: { event in events.withLock { $0.append(event) } },
            decide: { _ in .deny(message: "not expected") })
        return (outcome, events.withLock { $0 }, Int64((Date().timeIntervalSince1970 * 1_000_000).rounded()))
    }

    static func stamp(_ name: String, in text: String) -> Int64? {
        guard let range = text.range(of: name + "=") else { return nil }
        return Int64(text[range.upperBound...].prefix { $0.isNumber })
    }

    @Test func speaksTheStreamJSONProtocolAndTakesTheScriptedTime() async throws {
        let (outcome, events, _) = try await run("please bench-sleep-ms=120")
        #expect(outcome.ending == .completed)
        #expect(outcome.isError == false)
        #expect(outcome.exitStatus == 0)
        #expect((outcome.totalCostUSD ?? 0) > 0)
        let sessionId = try #require(outcome.sessionId)
        #expect(events.contains(.initialized(sessionId: sessionId, model: "bench-fake")))
        let text = try #require(outcome.resultText)
        let started = try #require(Self.stamp("started", in: text))
        let result = try #require(Self.stamp("result", in: text))
        #expect(result - started >= 120_000, "the scripted 120 ms were not taken: \(result - started) µs")
    }

    @Test func theRunEndsAsSoonAsTheCLIExits() async throws {
        var lags: [Int64] = []
        for _ in 0..<5 {
            let (outcome, _, ended) = try await run("quick")
            let result = try #require(outcome.resultText.flatMap { Self.stamp("result", in: $0) })
            lags.append(ended - result)
        }
        // Before the supervisor was woken by the end of the output, every run waited for its next 50 ms poll.
        let median = lags.sorted()[lags.count / 2]
        #expect(median < 25_000, "from the result line to the end of the run: \(lags) µs")
    }
}
