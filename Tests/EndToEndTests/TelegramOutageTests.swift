import Foundation
import TestSupport
import Testing

/// Nothing accepted is dropped because Telegram fails as a whole: a refused token (401) or failing servers hold the
/// replies, which go out once Telegram works again; ingress and egress say plainly that the token is refused (log and
/// `gatehouse health`), and admins are told once it works again. Only Telegram's definitive answer about one reply
/// ends it, and that is audited.
@Suite(.serialized) struct TelegramOutageTests {
    let admin = FakeTelegramUser(id: 1000, firstName: "Ada")
    let ann = FakeTelegramUser(id: 1001, firstName: "Ann")

    /// Each cluster's own TMPDIR, so that `gatehouse health` reads this cluster's health files.
    static func options(tmp: URL) -> GatehouseCluster.Options {
        var options = GatehouseCluster.Options()
        options.allowedUsers = [1001]
        options.environment = ["ADMIN_USERS": "1000", "TMPDIR": tmp.path]
        return options
    }

    /// A cluster with its own TMPDIR, where the admin has a chat with the bot (for notices), and Ann's prompt is
    /// answered with `answer` after `delay` and her status message already shows (so the answer comes while the test
    /// lets Telegram fail).
    func withAnnWaiting(
        for answer: String, delay: Duration, _ body: (GatehouseCluster) async throws -> Void
    ) async throws {
        let tmp = URL(fileURLWithPath: "/tmp/ghe-tmp-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: tmp) }
        try await GatehouseCluster.with(Self.options(tmp: tmp)) { cluster in
            cluster.telegram.enqueueMessage(from: admin, text: "/help")
            _ = try #require(await cluster.reply(in: admin.id, containing: "/status"))
            cluster.anthropic.setHandler(FakeAnthropicScript.slow(delay, then: { _ in .text(answer) }))
            cluster.telegram.enqueueMessage(from: ann, text: "hello")
            _ = try #require(await cluster.reply(in: ann.id, containing: "Working on it"))
            try await body(cluster)
        }
    }

    @Test func aRefusedTokenHoldsTheReplyUntilItWorksAgainAndAdminsAreTold() async throws {
        try await withAnnWaiting(for: "kept through the outage", delay: .seconds(3)) { cluster in
            let telegram = cluster.telegram

            // The token is refused for 8 s, while the answer is ready to go.
            telegram.failEverything(status: 401, description: "Unauthorized", for: .seconds(8))
            #expect(await telegram.waitUntil(timeout: .seconds(10)) { server in
                server.calls(to: "sendMessage").contains { $0.status == 401 }
            }, "the answer was never tried during the outage")
            var egressHealth = (status: Int32(0), output: "", errors: "")
            for _ in 0..<10 {
                egressHealth = try cluster.runTool(["health", "--role", "egress"])
                if egressHealth.status != 0 { break }
                try await Task.sleep(for: .milliseconds(300))
            }
            #expect(egressHealth.status == 1, "egress stays healthy with a refused token: \(egressHealth)")
            #expect(egressHealth.errors.contains("TELEGRAM_BOT_TOKEN is wrong"), "\(egressHealth.errors)")
            // A message sent meanwhile ends ingress's long poll; its next poll meets the refused token too.
            telegram.enqueueMessage(from: ann, text: "are you there?")
            let plain = "Telegram refuses the bot token (401 Unauthorized): TELEGRAM_BOT_TOKEN is wrong"
            let both = await cluster.waitForLog(timeout: .seconds(10)) { log in
                log.components(separatedBy: plain).count - 1 >= 2 ? true : nil
            }
            #expect(both == true, "ingress and egress do not both say the token is refused")

            // It arrives once Telegram takes the token again; the admins hear that replies were held, none dropped.
            _ = try #require(await cluster.reply(in: ann.id, containing: "kept through the outage", timeout: .seconds(60)))
            let notice = try #require(await cluster.reply(in: admin.id, containing: "Telegram works again", timeout: .seconds(30)))
            #expect((notice.plainText ?? "").contains("None was dropped"))
            #expect(await telegram.waitUntil(timeout: .seconds(60)) { server in
                server.messages(inChat: 1001).filter { ($0.plainText ?? "").contains("kept through the outage") }.count == 2
            }, "the message sent during the outage was lost")
            var health = try cluster.runTool(["health", "--role", "egress"])
            for _ in 0..<10 where health.status != 0 {  // the health file is rewritten every second
                try await Task.sleep(for: .milliseconds(300))
                health = try cluster.runTool(["health", "--role", "egress"])
            }
            #expect(health.status == 0, "egress still unhealthy after the outage: \(health)")

            let tail = try cluster.runTool(["audit", "tail", "-n", "200"])
            #expect(!tail.output.contains("delivery.rejected"), "a reply was given up: \(tail.output)")
            #expect(tail.output.contains("delivery.outage_ended"))
            #expect(try cluster.runTool(["audit", "verify"]).status == 0)
            #expect(cluster.leakedSecrets().isEmpty)
        }
    }

    @Test func failingServersHoldTheReplyToo() async throws {
        try await withAnnWaiting(for: "after the 502s", delay: .seconds(2)) { cluster in
            let telegram = cluster.telegram
            telegram.failEverything(status: 502, description: "Bad Gateway", for: .seconds(5))
            _ = try #require(await cluster.reply(in: ann.id, containing: "after the 502s", timeout: .seconds(60)))
            #expect(telegram.calls(to: "sendMessage").contains { $0.status == 502 })
        }
    }

    @Test func aDefinitiveRefusalEndsTheReplyAndIsAudited() async throws {
        try await withAnnWaiting(for: "never shown", delay: .seconds(2)) { cluster in
            let telegram = cluster.telegram
            telegram.failNext(method: "sendMessage", status: 403, description: "Forbidden: bot was blocked by the user")
            let audited = await cluster.waitForLog(timeout: .seconds(30)) { log in
                log.contains("reply refused for good by Telegram") ? true : nil
            }
            #expect(audited == true)
            let tail = try cluster.runTool(["audit", "tail", "-n", "200"])
            #expect(tail.output.contains("delivery.rejected"), "\(tail.output)")
            #expect(tail.output.contains("bot was blocked by the user"))
            #expect(await cluster.reply(in: ann.id, containing: "never shown", timeout: .seconds(3)) == nil)
        }
    }
}
