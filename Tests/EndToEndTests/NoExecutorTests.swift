import Foundation
import TestSupport
import Testing

/// With no executor connected, a prompt is not waited out in silence: the person hears why within 2 s, an admin is
/// told once, and the prompt is kept.
@Suite(.serialized) struct NoExecutorTests {
    let ann = FakeTelegramUser(id: 1001, firstName: "Ann")
    let admin = FakeTelegramUser(id: 2002, firstName: "Ada")

    @Test func aPromptWithNoExecutorConnectedIsExplainedToThePersonAndTheAdmin() async throws {
        var options = GatehouseCluster.Options()
        options.executors = 0
        options.allowedUsers = [1001, 2002]
        options.environment = ["ADMIN_USERS": "2002"]
        try await GatehouseCluster.with(options) { cluster in
            cluster.telegram.enqueueMessage(from: admin, text: "/help")  // Telegram lets a bot write only to people who wrote first
            _ = try #require(await cluster.reply(in: admin.id, containing: "/", timeout: .seconds(10)))
            try await Task.sleep(for: .seconds(6))  // past the guard's start-up grace and a 2 s outage
            let sent = ContinuousClock.now
            cluster.telegram.enqueueMessage(from: ann, text: "anyone there?")
            let notice = try #require(await cluster.reply(in: ann.id, containing: "Queued", timeout: .seconds(10)))
            let waited = ContinuousClock.now - sent
            print("no executor: the person was told after \(waited)")
            #expect(waited < .seconds(5), "the person waited \(waited) in silence")
            #expect((notice.plainText ?? "").contains("kept"))
            let told = try #require(await cluster.reply(in: admin.id, containing: "no executor is connected", timeout: .seconds(5)))
            #expect((told.plainText ?? "").contains("1 prompt waits"))
            try await Task.sleep(for: .seconds(2))
            let annMessages = cluster.telegram.messages(inChat: ann.id).filter { ($0.plainText ?? "").contains("Queued") }
            #expect(annMessages.count == 1, "told more than once")
        }
    }
}
