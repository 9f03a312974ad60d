import Foundation
import TestSupport
import Testing

/// A run stopped at its budget still hands the person what Claude had written, with a plain note that it stopped
/// there (it used to be only "Stopped… Nothing more was done").
@Suite(.serialized) struct BudgetStopTests {
    let ann = FakeTelegramUser(id: 1001, firstName: "Ann")

    @Test func aRunStoppedAtItsBudgetStillDeliversWhatClaudeProduced() async throws {
        var options = GatehouseCluster.Options()
        // Each model call costs about $0.05 against the fake: the CLI stops the run after its first one.
        options.environment = ["CLAUDE_MAX_COST_PER_REQUEST": "0.01"]
        try await GatehouseCluster.with(options) { cluster in
            // Claude writes, then wants a tool and a second model call that the budget no longer allows.
            let notes = cluster.approved.appendingPathComponent("notes.txt")
            try "the other half\n".write(to: notes, atomically: true, encoding: .utf8)
            cluster.anthropic.setHandler(FakeAnthropicScript.toolThenText(
                tool: "Read", input: .object(["file_path": .string(notes.path)]),
                preface: "Partial wisdom QX-9137: the first half of the answer.", finalText: "never reached"))
            cluster.telegram.enqueueMessage(from: ann, text: "think hard")
            let reply = try #require(await cluster.reply(in: ann.id, containing: "reached its cost limit", timeout: .seconds(60)))
            let text = reply.plainText ?? ""
            #expect(text.contains("Partial wisdom QX-9137"), "what Claude had produced is missing: \(text)")
            #expect(text.contains("may be incomplete"))
            #expect(!text.contains("never reached"))
            let prompts = cluster.anthropic.requests.filter { ($0.lastUserText ?? "").contains("think hard") || !$0.toolResults.isEmpty }
            #expect(prompts.count == 1, "the run went on past its budget: \(prompts.count) model calls")
        }
    }
}
