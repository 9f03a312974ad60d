import Foundation
import Messages
import TestSupport
import Testing

/// Scheduled prompts end to end with the real programs and the real CLI: one made in the chat and one by the
/// operator's `gatehouse schedule add` both run at the next minute, and their answers arrive in the chat.
@Suite(.serialized) struct ScheduleEndToEndTests {
    let ann = FakeTelegramUser(id: 1001, firstName: "Ann")

    @Test func schedulesMadeInTheChatAndByTheOperatorRunAndAnswerInTheChat() async throws {
        var options = GatehouseCluster.Options()
        options.allowedUsers = [ann.id]
        options.environment = ["ENABLE_SCHEDULER": "true", "SCHEDULE_TIME_ZONE": "Europe/Berlin"]
        try await GatehouseCluster.with(options) { cluster in
            cluster.telegram.enqueueMessage(from: ann, text: "/schedule add * * * * * Scheduled hello from the chat")
            let added = await cluster.reply(in: ann.id, containing: "(Europe/Berlin), next run in")
            try #require(added != nil, "no confirmation; got \(cluster.telegram.messages(inChat: ann.id).map { $0.plainText ?? "-" })")

            let operatorAdd = try GatehouseCommand.run(
                ["schedule", "add", "--owner", String(ann.id), "--chat", String(ann.id), "--tz", "UTC",
                 "* * * * *", "Scheduled hello from the operator"],
                environment: cluster.environment)
            #expect(operatorAdd.status == 0, "\(operatorAdd.output)")
            #expect(operatorAdd.output.contains("(UTC), next run"), "\(operatorAdd.output)")

            // Both run at the next minute (at most a minute away) through the same guard, executor and egress.
            let arrived = await cluster.telegram.waitUntil(timeout: .seconds(100)) { server in
                let texts = server.messages(inChat: ann.id).compactMap(\.plainText)
                return texts.contains { $0.contains("Echo: Scheduled hello from the chat") }
                    && texts.contains { $0.contains("Echo: Scheduled hello from the operator") }
            }
            let texts = cluster.telegram.messages(inChat: ann.id).compactMap(\.plainText)
            try #require(arrived, "the scheduled answers did not arrive; got \(texts)")
            #expect(texts.contains { $0.hasPrefix("Scheduled task") })

            let listed = try GatehouseCommand.run(["schedule", "list", "--database", cluster.databasePath], environment: cluster.environment)
            #expect(listed.status == 0)
            let lines = listed.output.split(separator: "\n").filter { $0.contains("owner \(ann.id)") }
            #expect(lines.count == 2, "\(listed.output)")
            #expect(lines.allSatisfy { !$0.contains("\t0 runs") }, "\(listed.output)")
            let id = try #require(lines.first.map { String($0.prefix { $0 != "\t" }) })
            let removed = try GatehouseCommand.run(["schedule", "remove", id], environment: cluster.environment)
            #expect(removed.status == 0 && removed.output.contains("removed"), "\(removed.output)")

            cluster.telegram.enqueueMessage(from: ann, text: "/schedule list")
            let list = await cluster.reply(in: ann.id, containing: "Schedules:")
            #expect(list?.plainText?.contains(id) == false, "\(list?.plainText ?? "")")
        }
    }
}
