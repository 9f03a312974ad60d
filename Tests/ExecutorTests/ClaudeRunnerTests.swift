#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Logging
import Messages
import Synchronization
import Testing
import TestSupport
@testable import Executor

/// The runner against the real Claude Code CLI and the fake Anthropic API. Serialized: each CLI takes ~200 MB.
@Suite(.serialized) struct ClaudeRunnerTests {
    @Test func plainPromptCompletesWithTheModelsTextAndCost() async throws {
        try await withFixture { fixture in
            let prompt = "hello runner \(UUID().uuidString)"
            let (outcome, events) = try await fixture.run(prompt: prompt)

            #expect(outcome.ending == .completed)
            #expect(outcome.isError == false)
            #expect(outcome.resultText == "Echo: \(prompt)")
            #expect((outcome.totalCostUSD ?? 0) > 0)
            let sessionId = try #require(outcome.sessionId)
            #expect(events.contains(.initialized(sessionId: sessionId, model: events.initializedModel)))
            #expect(events.contains(.assistantText("Echo: \(prompt)")))
            #expect(events.first.map { if case .processStarted = $0 { true } else { false } } == true)
            #expect(fixture.server.requests.filter { $0.lastUserText == prompt }.count == 1)
            #expect(fixture.server.requests.count == 1)
            #expect(outcome.exitStatus == 0)
        }
    }

    @Test func allowedWriteCreatesTheFile() async throws {
        try await withFixture { fixture in
            let target = fixture.workspace.appendingPathComponent("allowed.txt").path
            fixture.server.setHandler(FakeAnthropicScript.toolThenText(
                tool: "Write", input: .object(["file_path": .string(target), "content": .string("written by the test\n")]),
                finalText: "wrote it"
            ))
            let questions = Mutex<[ClaudePermissionQuestion]>([])
            let (outcome, events) = try await runToleratingCLISelfRejection(
                fixture, prompt: "write the file", reset: { questions.withLock { $0.removeAll() } }
            ) { question in
                questions.withLock { $0.append(question) }
                return .allow
            }

            #expect(outcome.ending == .completed)
            #expect(outcome.resultText == "wrote it")
            #expect(try String(contentsOfFile: target, encoding: .utf8) == "written by the test\n")
            let asked = questions.withLock { $0 }
            #expect(asked.count == 1)
            #expect(asked.first?.toolName == "Write")
            #expect(asked.first?.input["file_path"]?.stringValue == target)
            #expect(asked.first?.toolUseId != nil)
            #expect(events.contains { if case .toolUse(_, "Write", _) = $0 { true } else { false } })
            #expect(events.contains { if case .toolResult(_, false, _) = $0 { true } else { false } })
        }
    }

    @Test func deniedWriteLeavesNoFileAndTellsTheModelWhy() async throws {
        try await withFixture { fixture in
            let target = fixture.workspace.appendingPathComponent("denied.txt").path
            fixture.server.setHandler(FakeAnthropicScript.toolThenText(
                tool: "Write", input: .object(["file_path": .string(target), "content": .string("nope")]),
                finalText: "could not write"
            ))
            let reason = "policy forbids this write \(UUID().uuidString)"
            let (outcome, events) = try await runToleratingCLISelfRejection(fixture, prompt: "write the file", reset: {}) { _ in
                .deny(message: reason)
            }

            #expect(outcome.ending == .completed)
            #expect(!FileManager.default.fileExists(atPath: target))
            let results = fixture.server.requests.flatMap(\.toolResults)
            #expect(results.count == 1)
            #expect(results.first?.isError == true)
            #expect(results.first?.text.contains(reason) == true)
            #expect(events.contains { if case .toolResult(_, true, _) = $0 { true } else { false } })
        }
    }

    @Test func resumeContinuesTheSession() async throws {
        try await withFixture { fixture in
            let first = "first message \(UUID().uuidString)"
            let (firstOutcome, _) = try await fixture.run(prompt: first)
            let sessionId = try #require(firstOutcome.sessionId)

            let second = "second message \(UUID().uuidString)"
            let (secondOutcome, _) = try await fixture.run(prompt: second, resume: sessionId)

            #expect(secondOutcome.ending == .completed)
            #expect(secondOutcome.resultText == "Echo: \(second)")
            let last = try #require(fixture.server.requests.last)
            #expect(last.userTexts.contains(first))
            #expect(last.userTexts.last == second)
        }
    }

    @Test func apiErrorFails() async throws {
        try await withFixture { fixture in
            fixture.server.setHandler(FakeAnthropicScript.failing(status: 500, type: "api_error", message: "boom"))
            let (outcome, _) = try await fixture.run(prompt: "this will fail")

            #expect(outcome.ending == .failed)
            #expect(outcome.isError)
            #expect(outcome.exitStatus != 0)
        }
    }

    @Test func cancelDuringASlowReplyStopsWithinTheGrace() async throws {
        try await withFixture { fixture in
            fixture.server.setHandler(FakeAnthropicScript.slow(.seconds(60)))
            let cancellation = ClaudeCancellation()
            let pid = Mutex<Int32?>(nil)
            let clock = ContinuousClock()
            let cancelledAt = Mutex<ContinuousClock.Instant?>(nil)
            let server = fixture.server
            let canceller = Task {
                try await poll(until: { !server.requests.isEmpty }, timeout: .seconds(20))
                cancelledAt.withLock { $0 = clock.now }
                cancellation.cancel()
            }
            let (outcome, events) = try await fixture.run(prompt: "take your time", cancellation: cancellation)
            try await canceller.value

            #expect(outcome.ending == .cancelled)
            let elapsed = clock.now - (cancelledAt.withLock { $0 } ?? clock.now)
            #expect(elapsed < .seconds(10))
            if case .processStarted(let started)? = events.first { pid.withLock { $0 = started } }
            let cliPid = try #require(pid.withLock { $0 })
            #expect(!ProcessSnapshot.isRunning(cliPid))
        }
    }

    @Test func cancelKillsTheToolProcessTheCLIStartedInItsOwnSession() async throws {
        ProcessReaper.enableSubreaper()
        try await withFixture { fixture in
            let seconds = Int.random(in: 300...999)
            fixture.server.setHandler(FakeAnthropicScript.toolThenText(
                tool: "Bash", input: .object([
                    "command": .string("echo waiting && sleep \(seconds) && echo done"), "description": .string("wait"),
                ]),
                finalText: "slept"
            ))
            let cancellation = ClaudeCancellation()
            let sleeper = Mutex<Int32?>(nil)
            let canceller = Task {
                try await poll(until: {
                    let found = ProcessSnapshot.pids(runningArguments: ["sleep", "\(seconds)"])
                    sleeper.withLock { $0 = found.first }
                    return !found.isEmpty
                }, timeout: .seconds(20))
                cancellation.cancel()
            }
            let (outcome, _) = try await fixture.run(prompt: "sleep a while", cancellation: cancellation) { _ in .allow }
            try await canceller.value

            #expect(outcome.ending == .cancelled)
            let sleepPid = try #require(sleeper.withLock { $0 })
            try await poll(until: { !ProcessSnapshot.isRunning(sleepPid) }, timeout: .seconds(2))
            #expect(ProcessSnapshot.pids(runningArguments: ["sleep", "\(seconds)"]).isEmpty)
        }
    }

    @Test func aCrashedCLIStillLeavesNoToolProcessBehind() async throws {
        ProcessReaper.enableSubreaper()
        try await withFixture { fixture in
            let seconds = Int.random(in: 300...999)
            fixture.server.setHandler(FakeAnthropicScript.toolThenText(
                tool: "Bash", input: .object([
                    "command": .string("echo waiting && sleep \(seconds) && echo done"), "description": .string("wait"),
                ]),
                finalText: "slept"
            ))
            let cliPid = Mutex<Int32?>(nil)
            let sleeper = Mutex<Int32?>(nil)
            let crasher = Task {
                try await poll(until: {
                    let found = ProcessSnapshot.pids(runningArguments: ["sleep", "\(seconds)"])
                    sleeper.withLock { $0 = found.first }
                    return !found.isEmpty && cliPid.withLock { $0 } != nil
                }, timeout: .seconds(20))
                // Let the runner's tree record see the sleep, then kill the CLI as a crash would: no SIGINT first.
                try await Task.sleep(for: .milliseconds(400))
                if let pid = cliPid.withLock({ $0 }) { kill(pid, SIGKILL) }
            }
            let outcome = try await fixture.runRecordingPid(prompt: "sleep a while") { pid in
                cliPid.withLock { $0 = pid }
            }
            try await crasher.value

            #expect(outcome.ending == .failed)
            #expect(outcome.exitStatus == 128 + SIGKILL)
            let sleepPid = try #require(sleeper.withLock { $0 })
            #expect(!ProcessSnapshot.isRunning(sleepPid))
            // Reaped too, not left as a zombie of this (subreaper) process.
            #expect(!FileManager.default.fileExists(atPath: "/proc/\(sleepPid)"))
        }
    }

    @Test func timeoutEndsAsTimedOut() async throws {
        try await withFixture { fixture in
            fixture.server.setHandler(FakeAnthropicScript.slow(.seconds(60)))
            let clock = ContinuousClock()
            let start = clock.now
            let (outcome, _) = try await fixture.run(prompt: "never answered", timeout: .seconds(2))

            #expect(outcome.ending == .timedOut)
            #expect(clock.now - start < .seconds(15))
        }
    }

    @Test func missingExecutableThrowsAClearError() async throws {
        let runner = ClaudeRunner(logger: Logger(label: "test"))
        let invocation = ClaudeInvocation(
            executable: "definitely-not-claude", workingDirectory: "/tmp", prompt: "x",
            environment: ["PATH": "/usr/bin:/bin"], timeout: .seconds(5)
        )
        await #expect(throws: ClaudeRunnerError.self) {
            _ = try await runner.run(invocation, cancellation: ClaudeCancellation(), onEvent: { _ in }, decide: { _ in .allow })
        }
    }
}

// MARK: - Fixture

/// A fake API, a scratch HOME and a workspace, for one test; removed afterwards.
struct ClaudeRunnerFixture {
    let server: FakeAnthropicServer
    let environment: [String: String]
    let home: URL
    var workspace: URL
    let binary: String
    /// Starts the CLI through this (the sandbox trampoline and its plan); empty runs it directly.
    var launcher: [String] = []

    func run(
        prompt: String,
        resume: String? = nil,
        timeout: Duration = .seconds(30),
        cancellation: ClaudeCancellation = ClaudeCancellation(),
        decide: @escaping @Sendable (ClaudePermissionQuestion) async -> ClaudePermissionAnswer = { _ in
            .deny(message: "not expected in this test")
        }
    ) async throws -> (ClaudeOutcome, [ClaudeEvent]) {
        var invocation = ClaudeInvocation(
            executable: binary, workingDirectory: workspace.path, prompt: prompt, resumeSessionId: resume,
            environment: environment, timeout: timeout
        )
        invocation.interruptGrace = .seconds(1)
        invocation.terminateGrace = .seconds(1)
        invocation.launcher = launcher
        let events = Mutex<[ClaudeEvent]>([])
        let outcome = try await ClaudeRunner(logger: Logger(label: "claude-runner-test")).run(
            invocation, cancellation: cancellation, onEvent: { event in events.withLock { $0.append(event) } },
            decide: decide
        )
        let seen = events.withLock { $0 }
        if outcome.ending == .timedOut && timeout >= .seconds(10) {
            // Diagnostics for a run that hung: what the CLI said, and what the fake API received.
            print("""
                claude run timed out. events: \(seen)
                fake API requests: \(server.requests.count) (tool results: \(server.requests.flatMap(\.toolResults).count))
                unhandled paths: \(server.unhandledPaths)
                stderr tail: \(outcome.stderrTail)
                """)
        }
        return (outcome, seen)
    }

    /// Runs allowing every tool, and publishes the CLI's pid as soon as it starts.
    func runRecordingPid(prompt: String, onStart: @escaping @Sendable (Int32) -> Void) async throws -> ClaudeOutcome {
        let invocation = ClaudeInvocation(
            executable: binary, workingDirectory: workspace.path, prompt: prompt,
            environment: environment, timeout: .seconds(30)
        )
        return try await ClaudeRunner(logger: Logger(label: "claude-runner-test")).run(
            invocation, cancellation: ClaudeCancellation(),
            onEvent: { event in
                if case .processStarted(let started) = event { onStart(started) }
            },
            decide: { _ in .allow }
        )
    }
}

/// Runs a tool-permission scenario. Claude Code 2.1.330 sometimes discards the permission answer, rejects the tool
/// itself with its interactive-mode text ("The user doesn't want to proceed with this tool use") and then waits for
/// a user forever (seen in a large share of first runs of a scenario on some days). That is the CLI's fault, not the
/// runner's; only in exactly that case is the scenario run again (up to three attempts), and it is printed. Any other
/// failure stands.
func runToleratingCLISelfRejection(
    _ fixture: ClaudeRunnerFixture, prompt: String, reset: () -> Void,
    decide: @escaping @Sendable (ClaudePermissionQuestion) async -> ClaudePermissionAnswer
) async throws -> (ClaudeOutcome, [ClaudeEvent]) {
    var attempt = 1
    while true {
        let run = try await fixture.run(prompt: prompt, timeout: .seconds(15), decide: decide)
        let selfRejected = run.1.contains { event in
            if case .toolResult(_, true, let preview) = event { return preview.contains("The user doesn't want to proceed") }
            return false
        }
        // The runner ends such a run at once (failed, with a note), instead of waiting for the timeout.
        let discarded = run.0.errors.contains { $0.contains("discarded a permission answer") }
        guard selfRejected, discarded || run.0.ending == .timedOut, attempt < 3 else { return run }
        print("warning: Claude Code rejected the tool itself instead of using the answer (attempt \(attempt)); the runner ended the run at once; running the scenario again")
        attempt += 1
        reset()
    }
}

func withFixture(_ body: (ClaudeRunnerFixture) async throws -> Void) async throws {
    let binary = try ClaudeBinary.path()
    let server = FakeAnthropicServer()
    try await server.start()
    let (environment, home) = ClaudeTestEnvironment.make(baseURL: server.baseURL)
    let workspace = home.deletingLastPathComponent().appendingPathComponent("work")
    try FileManager.default.createDirectory(at: workspace, withIntermediateDirectories: true)
    let fixture = ClaudeRunnerFixture(
        server: server, environment: environment, home: home, workspace: workspace, binary: binary
    )
    do {
        try await body(fixture)
    } catch {
        await server.stop()
        ClaudeTestEnvironment.remove(home: home)
        throw error
    }
    #expect(server.unhandledPaths.isEmpty, "the CLI called endpoints the fake does not serve")
    await server.stop()
    ClaudeTestEnvironment.remove(home: home)
}

struct PollTimedOut: Error {}

func poll(until condition: @Sendable () async -> Bool, timeout: Duration) async throws {
    let deadline = ContinuousClock.now + timeout
    while !(await condition()) {
        guard ContinuousClock.now < deadline else { throw PollTimedOut() }
        try await Task.sleep(for: .milliseconds(20))
    }
}

extension [ClaudeEvent] {
    var initializedModel: String? {
        for event in self {
            if case .initialized(_, let model) = event { return model }
        }
        return nil
    }
}

/// Looks at /proc the way a test would from outside.
enum ProcessSnapshot {
    /// A live process (not a zombie) with this pid.
    static func isRunning(_ pid: Int32) -> Bool {
        guard let data = read("/proc/\(pid)/stat"), let close = data.lastIndex(of: UInt8(ascii: ")")) else {
            return false
        }
        let stat = String(decoding: data[close...], as: UTF8.self)
        let state = stat.dropFirst().split(separator: " ").first
        return state != "Z" && state != "X"
    }

    /// Live processes whose argv is exactly `arguments` (argv[0] compared by its last path component).
    static func pids(runningArguments arguments: [String]) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { name -> Int32? in
            guard let pid = Int32(name),
                  let data = read("/proc/\(name)/cmdline"), !data.isEmpty
            else { return nil }
            var argv = data.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
            if argv.last == "" { argv.removeLast() }
            guard argv.count == arguments.count, let first = argv.first else { return nil }
            argv[0] = String(first.split(separator: "/").last ?? Substring(first))
            return argv == arguments && isRunning(pid) ? pid : nil
        }
    }

    /// Reads to end of file: /proc files report size 0, so size-based readers see nothing.
    private static func read(_ path: String) -> Data? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        return try? handle.readToEnd()
    }
}

// MARK: - Protocol pieces, without the CLI

@Suite struct ClaudeStreamProtocolTests {
    private func line(_ text: String) -> ClaudeStreamLine {
        ClaudeStreamLine(line: Substring(text))
    }

    @Test func apiFailureWithSuccessSubtypeIsAnError() {
        guard case .result(let result) = line(#"{"type":"result","subtype":"success","is_error":true,"terminal_reason":"api_error","total_cost_usd":0}"#) else {
            Issue.record("not parsed as a result")
            return
        }
        #expect(result.isError)
        #expect(result.terminalReason == "api_error")
    }

    @Test func errorSubtypeIsAnErrorEvenWithoutIsError() {
        guard case .result(let result) = line(#"{"type":"result","subtype":"error_max_turns","is_error":false,"num_turns":3}"#) else {
            Issue.record("not parsed as a result")
            return
        }
        #expect(result.isError)
        #expect(result.numTurns == 3)
    }

    @Test func canUseToolBecomesAQuestionAndOtherControlRequestsAreRefused() {
        let question = line(#"{"type":"control_request","request_id":"r1","request":{"subtype":"can_use_tool","tool_name":"Bash","input":{"command":"ls"},"tool_use_id":"t1"}}"#)
        guard case .permissionQuestion(let asked) = question else {
            Issue.record("not a permission question: \(question)")
            return
        }
        #expect(asked.requestId == "r1")
        #expect(asked.toolName == "Bash")
        #expect(asked.input["command"]?.stringValue == "ls")
        #expect(asked.toolUseId == "t1")
        #expect(line(#"{"type":"control_request","request_id":"r2","request":{"subtype":"hook_callback"}}"#)
            == .unsupportedControlRequest(requestId: "r2", subtype: "hook_callback"))
        #expect(line("not json") == .parseFailed)
    }

    @Test func allowEchoesTheOriginalInputAndDenyCarriesTheMessage() throws {
        let input = JSONValue.object(["file_path": .string("/w/a"), "content": .string("x\ny")])
        let allow = try JSONDecoder().decode(JSONValue.self, from: Data(
            ClaudeStdinMessage.permission(requestId: "r1", answer: .allow, originalInput: input, toolUseId: "toolu_1").line
        ))
        #expect(allow["type"]?.stringValue == "control_response")
        #expect(allow["response"]?["subtype"]?.stringValue == "success")
        #expect(allow["response"]?["request_id"]?.stringValue == "r1")
        #expect(allow["response"]?["response"]?["behavior"]?.stringValue == "allow")
        #expect(allow["response"]?["response"]?["updatedInput"] == input)
        // The CLI matches an answer to its parked prompt by this id; without it the answer may be dropped.
        #expect(allow["response"]?["response"]?["toolUseID"]?.stringValue == "toolu_1")
        let denyLine = ClaudeStdinMessage.permission(requestId: "r2", answer: .deny(message: "no"), originalInput: input, toolUseId: "toolu_2").line
        #expect(denyLine.filter { $0 == UInt8(ascii: "\n") }.count == 1)
        let deny = try JSONDecoder().decode(JSONValue.self, from: Data(denyLine))
        #expect(deny["response"]?["response"]?["behavior"]?.stringValue == "deny")
        #expect(deny["response"]?["response"]?["message"]?.stringValue == "no")
        #expect(deny["response"]?["response"]?["toolUseID"]?.stringValue == "toolu_2")
    }

    @Test func lineSplitterJoinsChunksAndDropsOversizedLines() {
        var splitter = ClaudeLineSplitter(maxLineBytes: 8)
        func feed(_ text: String) -> [String] {
            Array(text.utf8).withUnsafeBytes { splitter.append($0) }.map { String(decoding: $0, as: UTF8.self) }
        }
        #expect(feed("ab") == [])
        #expect(feed("c\nde\n") == ["abc", "de"])
        #expect(feed("0123456789") == [])
        #expect(feed("xx\nok\n") == ["ok"])
        #expect(splitter.droppedLines == 1)
        #expect(feed("tail") == [])
        #expect(splitter.finish().map { String(decoding: $0, as: UTF8.self) } == "tail")
    }

    @Test func stderrTailKeepsTheLastBytes() {
        var tail = ClaudeStderrTail(capacity: 5)
        Array("hello world".utf8).withUnsafeBytes { tail.append($0) }
        #expect(tail.text == "world")
        Array("!".utf8).withUnsafeBytes { tail.append($0) }
        #expect(tail.text == "orld!")
    }
}
