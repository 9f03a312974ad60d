import Foundation
import Messages
import TestSupport
import Testing

/// Warm CLIs (`WARM_CLI_POOL`) with the real programs and the real CLI: after an answer the executor starts the
/// person's next CLI (`--resume` of their session) ahead of time; their follow-up is answered by it, its tool
/// calls screened by the guard exactly as a cold CLI's, its SessionStart hook run as at a cold start; and a warm
/// CLI whose start-up reading has changed since (a settings file) is not used.
@Suite(.serialized) struct WarmCLITests {
    let ann = FakeTelegramUser(id: 1001, firstName: "Ann")

    /// "RUN <command>" makes the model call Bash with the command, then report whether the tool failed.
    static let bashScript: FakeAnthropicServer.Handler = { request in
        let prompt = request.userTexts.last { $0.hasPrefix("RUN ") } ?? ""
        guard prompt.hasPrefix("RUN ") else { return await FakeAnthropicServer.echo(request) }
        if let result = request.toolResults.last { return .text("RESULT error=\(result.isError): \(result.text.prefix(200))") }
        return .toolUse(name: "Bash", input: .object(["command": .string(String(prompt.dropFirst(4))), "description": .string("test")]))
    }

    func count(_ text: String, in cluster: GatehouseCluster) -> Int {
        cluster.logs().components(separatedBy: text).count - 1
    }

    func waitForLog(_ text: String, count: Int, in cluster: GatehouseCluster) async -> Bool {
        for _ in 0..<150 {
            if self.count(text, in: cluster) >= count { return true }
            try? await Task.sleep(for: .milliseconds(200))
        }
        return false
    }

    @Test func aFollowUpIsAnsweredByTheWarmCLIScreenedAsAColdOne() async throws {
        var options = GatehouseCluster.Options()
        options.allowedUsers = [ann.id]
        options.environment = ["WARM_CLI_POOL": "1", "WARM_CLI_SECONDS": "60"]
        try await GatehouseCluster.with(options) { cluster in
            // A SessionStart hook in the CLI's user settings: it records each CLI start in the project directory.
            let settings = URL(fileURLWithPath: cluster.claudeHomePath).appendingPathComponent(".claude/settings.json")
            try FileManager.default.createDirectory(at: settings.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(#"""
                {"hooks": {"SessionStart": [{"hooks": [{"type": "command",
                  "command": "echo \"$(date +%s%N) $CLAUDE_SESSION_SOURCE\" >> \"$CLAUDE_PROJECT_DIR/session-starts.log\""}]}]}}
                """#.utf8).write(to: settings)
            cluster.anthropic.setHandler(Self.bashScript)

            cluster.telegram.enqueueMessage(from: ann, text: "first question")
            try #require(await cluster.reply(in: ann.id, containing: "Echo: first question", timeout: .seconds(60)) != nil)
            try #require(await waitForLog("warm Claude CLI started", count: 1, in: cluster), "no warm CLI was started")
            try await Task.sleep(for: .seconds(3))  // it has started up and waits for the prompt

            // The follow-up runs on the warm CLI, and its tool call is screened by the guard: denied by policy.
            cluster.telegram.enqueueMessage(from: ann, text: "RUN cat ~/.ssh/id_rsa")
            let denied = try #require(await cluster.reply(in: ann.id, containing: "RESULT error=", timeout: .seconds(60)))
            #expect(denied.plainText?.contains("RESULT error=true") == true, "\(denied.plainText ?? "")")
            #expect(count("using a warm Claude CLI", in: cluster) == 1, "the follow-up did not use the warm CLI")
            let audit = try GatehouseCommand.run(["audit", "tail", "-n", "50"], environment: cluster.environment)
            #expect(audit.output.contains("tool.denied") || audit.output.contains("security."), "\(audit.output)")

            // It continued the session (the model saw the first exchange) and ran the SessionStart hook like a cold start.
            let last = try #require(cluster.anthropic.requests.last)
            #expect(last.userTexts.contains { $0.contains("first question") }, "the warm CLI did not resume the session")
            let starts = try #require(FileManager.default.enumerator(atPath: cluster.approved.path)?
                .compactMap { $0 as? String }.first { $0.hasSuffix("session-starts.log") })
            let workspace = cluster.approved.appendingPathComponent(starts).deletingLastPathComponent()
            let hookRuns = try String(contentsOf: cluster.approved.appendingPathComponent(starts), encoding: .utf8)
                .split(separator: "\n")
            #expect(hookRuns.count == 2, "SessionStart hook runs: \(hookRuns)")

            // The next warm CLI is made unusable by a settings change: the prompt starts a CLI afresh, and is answered.
            try #require(await waitForLog("warm Claude CLI started", count: 2, in: cluster), "no second warm CLI")
            try await Task.sleep(for: .seconds(1))
            let local = workspace.appendingPathComponent(".claude/settings.local.json")
            try FileManager.default.createDirectory(at: local.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(#"{"env": {"CHANGED": "1"}}"#.utf8).write(to: local)
            cluster.anthropic.setHandler(FakeAnthropicServer.echo)
            cluster.telegram.enqueueMessage(from: ann, text: "third question")
            #expect(await cluster.reply(in: ann.id, containing: "Echo: third question", timeout: .seconds(60)) != nil)
            #expect(count("using a warm Claude CLI", in: cluster) == 1, "a warm CLI was used although its settings changed")
            #expect(cluster.logs().contains("what the CLI read at its start changed"), "the stale warm CLI was not stopped for its change")
            #expect(cluster.leakedSecrets().isEmpty)
        }
    }
}
