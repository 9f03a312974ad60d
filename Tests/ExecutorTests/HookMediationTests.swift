import Foundation
import Messages
import Synchronization
import Testing
import TestSupport
@testable import Executor

/// Complete mediation with the real CLI: calls the CLI would allow by itself (a Read inside its working directory, a
/// `cat` it classes as read-only) reach the runner's decision through the PreToolUse hook, and a denial keeps the
/// file's content away from the model.
@Suite(.serialized) struct HookMediationTests {
    /// Runs one scripted tool call and records every question the runner was asked.
    func runDenying(
        _ fixture: ClaudeRunnerFixture, tool: String, input: JSONValue
    ) async throws -> (questions: [ClaudePermissionQuestion], results: [FakeAnthropicToolResult]) {
        fixture.server.setHandler(FakeAnthropicScript.toolThenText(tool: tool, input: input, finalText: "tried"))
        let questions = Mutex<[ClaudePermissionQuestion]>([])
        let (outcome, _) = try await fixture.run(prompt: "use \(tool)") { question in
            questions.withLock { $0.append(question) }
            return .deny(message: "screened by the test")
        }
        #expect(outcome.ending == .completed, "\(outcome.errors)")
        return (questions.withLock { $0 }, fixture.server.requests.flatMap(\.toolResults))
    }

    @Test func aReadOfTheWorkspacesEnvFileIsAskedAboutAndDenied() async throws {
        try await withFixture { fixture in
            let secret = "SECRET_TOKEN=\(UUID().uuidString)"
            let env = fixture.workspace.appendingPathComponent(".env")
            try Data((secret + "\n").utf8).write(to: env)
            let (questions, results) = try await runDenying(fixture, tool: "Read", input: .object(["file_path": .string(env.path)]))

            #expect(questions.map(\.toolName) == ["Read"])
            #expect(questions.first?.channel == .preToolUseHook)
            #expect(questions.first?.input["file_path"]?.stringValue == env.path)
            #expect(results.count == 1)
            #expect(results.first?.isError == true)
            #expect(results.first?.text.contains("screened by the test") == true)
            #expect(!reachedTheModel(secret, fixture), "the secret reached the model")
        }
    }

    @Test func aCatThroughAnOutwardSymlinkIsAskedAboutAndDenied() async throws {
        try await withFixture { fixture in
            let outside = fixture.home.deletingLastPathComponent().appendingPathComponent("outside-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
            let secret = "outside secret \(UUID().uuidString)"
            try Data(secret.utf8).write(to: outside.appendingPathComponent("notes.txt"))
            try FileManager.default.createSymbolicLink(
                at: fixture.workspace.appendingPathComponent("docs"), withDestinationURL: outside)
            let (questions, results) = try await runDenying(
                fixture, tool: "Bash", input: .object(["command": .string("cat docs/notes.txt"), "description": .string("read")]))

            #expect(questions.map(\.toolName) == ["Bash"])
            #expect(questions.first?.channel == .preToolUseHook)
            #expect(results.first?.isError == true)
            #expect(!reachedTheModel(secret, fixture), "the file outside reached the model")
        }
    }

    @Test func anAllowedCallRunsOnceWithoutASecondQuestion() async throws {
        try await withFixture { fixture in
            let target = fixture.workspace.appendingPathComponent("hooked.txt")
            fixture.server.setHandler(FakeAnthropicScript.toolThenText(
                tool: "Write", input: .object(["file_path": .string(target.path), "content": .string("via hook\n")]), finalText: "done"))
            let questions = Mutex<[ClaudePermissionQuestion]>([])
            let (outcome, _) = try await fixture.run(prompt: "write it") { question in
                questions.withLock { $0.append(question) }
                return .allowWithInput(.object(["file_path": .string(target.path), "content": .string("rewritten by the guard\n")]))
            }
            #expect(outcome.ending == .completed)
            #expect(questions.withLock { $0.count } == 1)
            #expect(try String(contentsOf: target, encoding: .utf8) == "rewritten by the guard\n")
        }
    }

    /// Whether any request to the model carried `text` anywhere (a tool result, a reminder, the history).
    func reachedTheModel(_ text: String, _ fixture: ClaudeRunnerFixture) -> Bool {
        fixture.server.requests.contains { request in
            let body = (try? JSONEncoder().encode(request.rawBody)).map { String(decoding: $0, as: UTF8.self) } ?? ""
            return body.contains(text)
        }
    }
}
