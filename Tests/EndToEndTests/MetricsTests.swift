import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Messages
import TestSupport
import Testing

/// With `METRICS_ADDRESS` set, the guard's endpoint serves every program's figures: the guard's own, and those the
/// ingress, egress and executor send on their heartbeats, labelled by program. Nothing in them names a person.
@Suite(.serialized) struct MetricsTests {
    let ann = FakeTelegramUser(id: 1001, firstName: "Ann")
    let eve = FakeTelegramUser(id: 6666, firstName: "Eve")
    /// Every family `MetricName.all` lists (the test does not import the product's module).
    static let families = [
        "gatehouse_updates_total", "gatehouse_refusals_total", "gatehouse_jobs_total", "gatehouse_tool_decisions_total",
        "gatehouse_approvals_pending", "gatehouse_approval_answer_seconds", "gatehouse_outbox_backlog",
        "gatehouse_outbox_oldest_age_seconds", "gatehouse_telegram_calls_total", "gatehouse_telegram_retry_after_seconds_total",
        "gatehouse_executor_slots", "gatehouse_executors_connected", "gatehouse_hop_seconds", "gatehouse_cli_run_seconds",
        "gatehouse_model_cost_usd_total",
    ]

    @Test func theEndpointShowsEveryFamilyWithPlausibleValuesAndNoPerson() async throws {
        let port = try LoopbackPort.free()
        var options = GatehouseCluster.Options()
        options.environment = ["METRICS_ADDRESS": "127.0.0.1:\(port)"]
        try await GatehouseCluster.with(options) { cluster in
            _ = try await cluster.registeredExecutors(count: 1, timeout: .seconds(30))
            // A reply Telegram first answers with 429, a question the person denies, and a stranger refused.
            cluster.telegram.rateLimit(method: "sendMessage", chatId: ann.id, retryAfter: 1)
            cluster.anthropic.setHandler(FakeAnthropicScript.toolThenText(
                tool: "Bash", input: .object(["command": .string("curl -s -m 2 https://example.invalid/"), "description": .string("fetch")]),
                finalText: "Done without it."))
            cluster.telegram.enqueueMessage(from: ann, text: "fetch something")
            let question = try #require(await cluster.reply(in: ann.id, containing: "Claude wants to use Bash"))
            let buttons = question.replyMarkup?["inline_keyboard"]?.arrayValue?.first?.arrayValue ?? []
            let deny = try #require(buttons.last?["callback_data"]?.stringValue)
            cluster.telegram.enqueueCallbackQuery(from: ann, messageId: question.messageId, data: deny)
            _ = try #require(await cluster.reply(in: ann.id, containing: "Done without it."))
            cluster.telegram.enqueueMessage(from: eve, text: "let me in")
            try await Task.sleep(for: .seconds(6))  // peers send their figures every 5 s

            let text = try await Self.scrape(port: port)
            for family in Self.families {
                #expect(text.contains("# TYPE \(family) "), "missing family \(family)")
            }
            #expect(Self.value(text, "gatehouse_jobs_total", ["program=\"guard\"", "outcome=\"completed\""]) ?? 0 >= 1)
            #expect(Self.value(text, "gatehouse_updates_total", ["kind=\"message\""]) ?? 0 >= 2)
            #expect(Self.value(text, "gatehouse_tool_decisions_total", ["verdict=\"ask\"", "tool=\"Bash\""]) == 1)
            #expect(Self.value(text, "gatehouse_approval_answer_seconds_count", ["answer=\"denied\""]) == 1)
            #expect(Self.value(text, "gatehouse_executors_connected", []) == 1)
            #expect(Self.value(text, "gatehouse_telegram_calls_total", ["program=\"ingress\"", "method=\"getUpdates\"", "status=\"200\""]) ?? 0 >= 1)
            #expect(Self.value(text, "gatehouse_telegram_calls_total", ["program=\"egress\"", "method=\"sendMessage\"", "status=\"429\""]) == 1)
            #expect(Self.value(text, "gatehouse_telegram_retry_after_seconds_total", ["program=\"egress\""]) == 1)
            #expect(Self.value(text, "gatehouse_cli_run_seconds_count", ["outcome=\"completed\""]) ?? 0 >= 1)
            #expect(Self.value(text, "gatehouse_hop_seconds_count", ["hop=\"queue\""]) ?? 0 >= 1)
            #expect(!text.contains("1001") && !text.contains("6666"), "a person's id in the metrics")
            #expect(!text.contains("fetch something"))
        }
    }

    /// The sum of the samples of `name` whose labels include all of `labels`; nil if there are none.
    static func value(_ text: String, _ name: String, _ labels: [String]) -> Double? {
        let values = text.split(separator: "\n").filter { line in
            (line.hasPrefix(name + "{") || line.hasPrefix(name + " ")) && labels.allSatisfy { line.contains($0) }
        }.compactMap { $0.split(separator: " ").last.flatMap { Double($0) } }
        return values.isEmpty ? nil : values.reduce(0, +)
    }

    static func scrape(port: Int) async throws -> String {
        let (body, response) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/metrics")!)
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        return String(decoding: body, as: UTF8.self)
    }
}
