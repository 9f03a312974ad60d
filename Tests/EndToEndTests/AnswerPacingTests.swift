import Foundation
import Messages
import TestSupport
import Testing

/// Answers never wait behind progress, through the real programs and the real CLI, with Telegram's flood limits
/// emulated by the fake (1 message a second per chat, burst 3): one person's quick back-and-forth with a fast model
/// step, then prompts whose model step is slow.
@Suite(.serialized) struct AnswerPacingTests {
    let ann = FakeTelegramUser(id: 1001, firstName: "Ann")
    /// How the guard's status message begins (`working`).
    let working = "Working on it"

    /// Sends `text` and waits for its answer (the fake model echoes it).
    func ask(_ cluster: GatehouseCluster, _ text: String) async throws {
        cluster.telegram.enqueueMessage(from: ann, text: text)
        _ = try #require(await cluster.reply(in: ann.id, containing: "Echo: \(text)", timeout: .seconds(60)))
    }

    @Test func aQuickBackAndForthAndSlowStepsShowNoStatusAfterItsAnswerAndRemoveEveryShownOne() async throws {
        var options = GatehouseCluster.Options()
        options.environment = ["CLAUDE_MAX_COST_PER_USER": "off"]
        try await GatehouseCluster.with(options) { cluster in
            cluster.telegram.emulateLimits()
            for index in 0..<5 {
                try await ask(cluster, "fast \(index)")
                try await Task.sleep(for: .milliseconds(200))
            }
            cluster.anthropic.setHandler(FakeAnthropicScript.slow(.milliseconds(2_500)))
            for index in 0..<2 {
                try await ask(cluster, "slow \(index)")
                try await Task.sleep(for: .milliseconds(200))
            }
            // Removals go when the chat's bucket is full again.
            let telegram = cluster.telegram
            let working = working
            #expect(await telegram.waitUntil(timeout: .seconds(10)) { server in
                server.messages(inChat: 1001).filter { ($0.text ?? "").hasPrefix(working) }.allSatisfy(\.deleted)
            }, "every status message shown was removed")

            #expect(telegram.limitRefusals == 0, "Telegram answered 429")
            #expect(telegram.violations.isEmpty, "\(telegram.violations)")
            // In the order Telegram saw them: after an answer, no status message until the next prompt came.
            var answered = false
            for call in telegram.calls where call.succeeded {
                switch call.method {
                case "getUpdates" where !(call.result?.arrayValue ?? []).isEmpty:
                    answered = false
                case "sendMessage":
                    let text = call["text"]?.stringValue ?? ""
                    if text.contains("Echo: ") { answered = true }
                    #expect(!(answered && text.hasPrefix(working)), "a status message was shown after its answer")
                default:
                    break
                }
            }
            // The slow steps showed the person their status message while they waited.
            let statuses = telegram.messages(inChat: ann.id).filter { ($0.text ?? "").hasPrefix(working) }
            #expect(statuses.count >= 2, "the slow prompts showed a status message")
        }
    }
}
