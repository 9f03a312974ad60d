import Foundation
import TestSupport
import Testing

/// Refusals coalesce: a person flooding the bot gets one "slow down" per window, not one per message, so the block
/// that the flood earns reaches them at once instead of queued behind dozens of its own kind (every refusal is
/// still audited).
@Suite(.serialized) struct RefusalCoalescingTests {
    let admin = FakeTelegramUser(id: 1000, firstName: "Ada")
    let ann = FakeTelegramUser(id: 1001, firstName: "Ann")

    @Test func aFloodGetsOneSlowDownAndTheBlockNoticeAtOnce() async throws {
        var options = GatehouseCluster.Options()
        options.allowedUsers = [ann.id]
        options.environment = [
            "ADMIN_USERS": String(admin.id),
            "RATE_LIMIT_REQUESTS": "1", "RATE_LIMIT_WINDOW": "3600", "RATE_LIMIT_BURST": "1",
        ]
        try await GatehouseCluster.with(options) { cluster in
            let telegram = cluster.telegram
            cluster.anthropic.setHandler { _ in .text("first answer") }
            telegram.enqueueMessage(from: admin, text: "/help")
            _ = try #require(await cluster.reply(in: admin.id, containing: "/status"))
            // 31 messages within a minute: the anomaly detector blocks at the 31st (more than 30).
            for index in 1...31 { telegram.enqueueMessage(from: ann, text: "message \(index)") }
            let sentAll = ContinuousClock.now
            _ = try #require(await cluster.reply(in: ann.id, containing: "temporarily blocked", timeout: .seconds(30)))
            let late = ContinuousClock.now - sentAll
            #expect(late < .seconds(8), "the block notice came \(late) after the flood")
            _ = try #require(await cluster.reply(in: admin.id, containing: "Security notice: user 1001 was blocked"))

            // One more message while blocked: audited, not answered again.
            telegram.enqueueMessage(from: ann, text: "still there?")
            try await Task.sleep(for: .seconds(3))
            let texts = telegram.messages(inChat: ann.id).compactMap(\.plainText)
            #expect(texts.filter { $0.contains("faster than allowed") }.count == 1, "\(texts)")
            #expect(texts.filter { $0.contains("temporarily blocked") }.count == 1, "\(texts)")

            let tail = try cluster.runTool(["audit", "tail", "-n", "500"]).output
            let rateRefusals = tail.components(separatedBy: "limit.rate").count - 1
            #expect(rateRefusals >= 25, "every refusal is audited, answered or not: \(rateRefusals)")
            #expect(tail.contains("not answered (already told"))
            #expect(try cluster.runTool(["audit", "verify"]).status == 0)
            #expect(telegram.violations.isEmpty, "\(telegram.violations)")
        }
    }
}
