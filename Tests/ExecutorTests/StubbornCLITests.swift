#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Logging
import Synchronization
import Testing
@testable import Executor

/// A CLI that ignores SIGINT and SIGTERM, with a child in a session of its own that ignores them too (a stand-in: a
/// shell script speaking the CLI's first lines). The teardown must still end both within its steps' bound: SIGINT,
/// the interrupt grace, SIGTERM, the terminate grace, SIGKILL, then the sweep of what the CLI left.
@Suite(.serialized) struct StubbornCLITests {
    static let script = #"""
        #!/bin/sh
        trap '' INT TERM
        setsid sleep 600 </dev/null >/dev/null 2>&1 &
        echo $! > child.pid
        read -r initialize
        echo '{"type":"control_response","response":{"subtype":"success","request_id":"gatehouse-initialize","response":{}}}'
        read -r prompt
        echo '{"type":"system","subtype":"init","session_id":"0b7a8a3c-1111-4222-8333-944455556667","model":"fake"}'
        wait
        """#

    static let interruptGrace: Duration = .milliseconds(600)
    static let terminateGrace: Duration = .milliseconds(600)

    struct Ending {
        var outcome: ClaudeOutcome
        /// From the stop (the cancel, or the prompt plus the timeout) to the run's return.
        var took: Duration
        var cliPid: Int32
        var childPid: Int32
    }

    /// Runs the stubborn CLI; `cancelAfter` cancels it that long after its prompt, else it runs into `timeout`.
    func run(timeout: Duration, cancelAfter: Duration?) async throws -> Ending {
        ProcessReaper.enableSubreaper()
        let cli = try StandInCLI(script: Self.script, name: "stubborn")
        defer { cli.remove() }
        let invocation = ClaudeInvocation(
            executable: cli.executable.path, workingDirectory: cli.directory.path, prompt: "never answered",
            environment: ["PATH": "/usr/bin:/bin"], timeout: timeout,
            interruptGrace: Self.interruptGrace, terminateGrace: Self.terminateGrace)
        let cancellation = ClaudeCancellation()
        let cliPid = Mutex<Int32?>(nil)
        let stopAt = Mutex<ContinuousClock.Instant?>(nil)
        let canceller = Task {
            guard let cancelAfter else { return }
            try await poll(until: { cliPid.withLock { $0 } != nil }, timeout: .seconds(20))
            try await Task.sleep(for: cancelAfter)
            stopAt.withLock { $0 = ContinuousClock.now }
            cancellation.cancel()
        }
        let outcome = try await ClaudeRunner(logger: Logger(label: "test.stubborn")).run(
            invocation, cancellation: cancellation,
            onEvent: { event in
                guard case .processStarted(let pid) = event else { return }
                if cancelAfter == nil { stopAt.withLock { $0 = ContinuousClock.now + timeout } }
                cliPid.withLock { $0 = pid }
            },
            decide: { _ in .deny(message: "no") })
        try await canceller.value
        let took = ContinuousClock.now - (try #require(stopAt.withLock { $0 }))
        let childText = try String(contentsOf: cli.directory.appendingPathComponent("child.pid"), encoding: .utf8)
        let childPid = try #require(Int32(childText.trimmingCharacters(in: .whitespacesAndNewlines)))
        return Ending(outcome: outcome, took: took, cliPid: try #require(cliPid.withLock { $0 }), childPid: childPid)
    }

    func expectGone(_ ending: Ending) {
        let steps = Self.interruptGrace + Self.terminateGrace
        #expect(ending.took >= steps, "the CLI ignores SIGINT and SIGTERM: only the SIGKILL after both graces ends it")
        // Generous: a loaded machine stalls the whole test process for seconds; without the SIGKILL it would never end.
        #expect(ending.took < steps + .seconds(8), "the teardown went past its bound: \(ending.took)")
        #expect(ending.outcome.exitStatus == 128 + SIGKILL)
        #expect(!ProcessSnapshot.isRunning(ending.cliPid))
        #expect(!ProcessSnapshot.isRunning(ending.childPid), "the child in its own session was left running")
        // Reaped too, not left as a zombie of this (subreaper) process.
        #expect(!FileManager.default.fileExists(atPath: "/proc/\(ending.childPid)"))
    }

    @Test func aCancelledCLIThatIgnoresSignalsIsKilledWithItsChild() async throws {
        let ending = try await run(timeout: .seconds(60), cancelAfter: .milliseconds(500))
        #expect(ending.outcome.ending == .cancelled)
        expectGone(ending)
    }

    @Test func aTimedOutCLIThatIgnoresSignalsIsKilledWithItsChild() async throws {
        let ending = try await run(timeout: .seconds(1), cancelAfter: nil)
        #expect(ending.outcome.ending == .timedOut)
        expectGone(ending)
    }
}
