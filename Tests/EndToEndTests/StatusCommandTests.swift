import Foundation
import TestSupport
import Testing

/// `gatehouse status` shows an operator what runs: the connected executor with its job, the queue, today's figures.
@Suite(.serialized) struct StatusCommandTests {
    let ann = FakeTelegramUser(id: 1001, firstName: "Ann")

    func status(_ cluster: GatehouseCluster) throws -> String {
        let (status, output) = try GatehouseCommand.run(["status", "--database", cluster.databasePath])
        #expect(status == 0, "\(output)")
        return output
    }

    @Test func showsTheExecutorItsRunningJobAndTodaysFigures() async throws {
        try await GatehouseCluster.with { cluster in
            let executors = try await cluster.registeredExecutors(count: 1, timeout: .seconds(30))
            cluster.anthropic.setHandler(FakeAnthropicScript.slow(.seconds(4)))
            cluster.telegram.enqueueMessage(from: ann, text: "take your time")
            _ = try #require(await cluster.reply(in: ann.id, containing: "Working on it"))
            try await Task.sleep(for: .milliseconds(2_500))  // the guard writes its status every 2 s
            let during = try status(cluster)
            #expect(during.contains("Guard: running since"), "\(during)")
            #expect(during.contains("Executors: 1 connected") && during.contains(executors[0]), "\(during)")
            #expect(during.contains(" 1/"), "the running job is not shown in the executor's slots: \(during)")
            #expect(during.contains("prompts queued 0, running 1"), "\(during)")
            #expect(during.contains("Egress: 1 connected"), "\(during)")
            _ = try #require(await cluster.reply(in: ann.id, containing: "Echo: take your time", timeout: .seconds(30)))
            try await Task.sleep(for: .milliseconds(500))
            let after = try status(cluster)
            #expect(after.contains("prompts queued 0, running 0") && after.contains("finished 1"), "\(after)")
            #expect(!after.contains("take your time"), "a prompt in the operator's view")
        }
        let missing = try GatehouseCommand.run(["status", "--database", "/nonexistent/gatehouse.sqlite"])
        #expect(missing.status != 0 && missing.output.contains("no guard database"), "status made up a database: \(missing.output)")
    }
}
