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
            cluster.anthropic.setHandler { _ in .text("Partial wisdom QX-9137: the first half of the answer.") }
            cluster.telegram.enqueueMessage(from: ann, text: "think hard")
            let reply = try #require(await cluster.reply(in: ann.id, containing: "reached its cost limit", timeout: .seconds(60)))
            let text = reply.plainText ?? ""
            #expect(text.contains("Partial wisdom QX-9137"), "what Claude had produced is missing: \(text)")
            #expect(text.contains("may be incomplete"))
        }
    }
}
