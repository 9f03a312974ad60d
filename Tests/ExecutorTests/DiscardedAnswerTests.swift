import Executor
import Foundation
import Logging
import Messages
import Testing

/// Claude Code 2.1.330 sometimes ignores an "allow", rejects the tool with its interactive-mode text and then waits
/// for a person forever. A stand-in CLI (a shell script speaking the same lines) reproduces exactly that, every
/// time, so the runner's answer to it can be tested: end the run at once, failed, saying why.
@Suite struct DiscardedAnswerTests {
    static let script = #"""
        #!/bin/sh
        read -r initialize
        echo '{"type":"control_response","response":{"subtype":"success","request_id":"gatehouse-initialize","response":{}}}'
        read -r prompt
        echo '{"type":"system","subtype":"init","session_id":"0b7a8a3c-1111-4222-8333-944455556666","model":"fake"}'
        echo '{"type":"assistant","message":{"content":[{"type":"tool_use","id":"toolu_1","name":"Write","input":{"file_path":"a.txt","content":"x"}}]}}'
        echo '{"type":"control_request","request_id":"req-1","request":{"subtype":"can_use_tool","tool_name":"Write","input":{"file_path":"a.txt","content":"x"},"tool_use_id":"toolu_1"}}'
        read -r answer
        echo '{"type":"user","message":{"content":[{"type":"tool_result","tool_use_id":"toolu_1","is_error":true,"content":"The user doesn'"'"'t want to proceed with this tool use. The tool use was rejected."}]}}'
        exec sleep 600
        """#

    /// Runs the stand-in CLI with the runner, answering its one question with `answer`.
    func run(answer: ClaudePermissionAnswer, timeout: Duration) async throws -> (ClaudeOutcome, Duration) {
        let cli = try StandInCLI(script: Self.script, name: "discarded")
        defer { cli.remove() }
        let invocation = ClaudeInvocation(
            executable: cli.executable.path, workingDirectory: cli.directory.path, prompt: "write a.txt",
            environment: ["PATH": "/usr/bin:/bin"], timeout: timeout,
            interruptGrace: .milliseconds(500), terminateGrace: .milliseconds(500))
        let started = ContinuousClock.now
        let outcome = try await ClaudeRunner(logger: Logger(label: "test.discarded")).run(
            invocation, cancellation: ClaudeCancellation(), onEvent: { _ in }, decide: { _ in answer })
        return (outcome, ContinuousClock.now - started)
    }

    @Test func aRejectedAllowedToolEndsTheRunAtOnce() async throws {
        let (outcome, took) = try await run(answer: .allow, timeout: .seconds(60))
        #expect(took < .seconds(10), "the run waited instead of ending")
        #expect(outcome.ending == .failed)
        #expect(outcome.errors.contains { $0.contains("discarded a permission answer") })
    }

    @Test func aToolTheRunnerDeniedIsNotMistakenForIt() async throws {
        let (outcome, _) = try await run(answer: .deny(message: "no"), timeout: .seconds(3))
        #expect(outcome.ending == .timedOut, "after a deny, the rejection is the runner's own answer: nothing to end early")
    }
}
