import Foundation
import TestSupport
import Testing

/// The security model end to end, with the real programs and the real CLI: a stranger, a blocked user, a locked-out
/// token guesser, a rate-limited burst and an over-budget user each get the right refusal and Claude never starts
/// for them; a token issued with `gatehouse token issue` signs someone in; the audit log verifies; no configured
/// secret (or issued token) appears in a log line or anything the bot sent.
@Suite(.serialized) struct SecurityTests {
    let admin = FakeTelegramUser(id: 1000, firstName: "Ada")
    let ann = FakeTelegramUser(id: 1001, firstName: "Ann")
    let bob = FakeTelegramUser(id: 1002, firstName: "Bob")
    let carl = FakeTelegramUser(id: 1003, firstName: "Carl")
    let stranger = FakeTelegramUser(id: 2001, firstName: "Eve")
    let guesser = FakeTelegramUser(id: 2002, firstName: "Mallory")
    let newcomer = FakeTelegramUser(id: 2003, firstName: "Nina")

    var options: GatehouseCluster.Options {
        var options = GatehouseCluster.Options()
        options.allowedUsers = [ann.id, bob.id, carl.id]
        options.environment = [
            "ADMIN_USERS": String(admin.id),
            "ENABLE_TOKEN_AUTH": "true",
            "AUTH_TOKEN_SECRET": "e2e-token-SECRET-0123456789abcdef0123456789",
            "RATE_LIMIT_REQUESTS": "1", "RATE_LIMIT_WINDOW": "3600", "RATE_LIMIT_BURST": "2",
            "CLAUDE_MAX_COST_PER_USER": "0.05",
        ]
        return options
    }

    @Test func everyRefusalIsRightAndClaudeNeverStartsForThem() async throws {
        try await GatehouseCluster.with(options) { cluster in
            let telegram = cluster.telegram
            func modelPrompts() -> Int { cluster.anthropic.requests.count }

            // A stranger: one refusal naming their id.
            telegram.enqueueMessage(from: stranger, text: "let me in")
            _ = try #require(await cluster.reply(in: stranger.id, containing: "not allowed"), "stranger not refused")
            #expect(await cluster.reply(in: stranger.id, containing: "2001") != nil)

            // A blocked user: blocked by the admin from the chat.
            telegram.enqueueMessage(from: admin, text: "/block \(bob.id)")
            _ = try #require(await cluster.reply(in: admin.id, containing: "User 1002 is blocked"))
            telegram.enqueueMessage(from: bob, text: "please work")
            _ = try #require(await cluster.reply(in: bob.id, containing: "blocked from using this bot"))

            // A token guesser: locked out, and then even the right token is refused.
            for attempt in 1...5 { telegram.enqueueMessage(from: guesser, text: "/auth gh_0badc0de_guess\(attempt)") }
            _ = try #require(await cluster.reply(in: guesser.id, containing: "Too many failed sign-in attempts"))
            let issued = try cluster.runTool(["token", "issue", "--user", String(guesser.id), "--ttl", "1h"])
            #expect(issued.status == 0, "\(issued.errors)")
            let guesserToken = issued.output.trimmingCharacters(in: .whitespacesAndNewlines)
            cluster.extraSecrets.append(guesserToken)
            telegram.enqueueMessage(from: guesser, text: "/auth \(guesserToken)")
            telegram.enqueueMessage(from: guesser, text: "run something")
            let deletedAll = await telegram.waitUntil(timeout: .seconds(45)) { server in
                server.calls(to: "deleteMessage").filter { $0.parameters["chat_id"]?.integerValue == 2002 }.count == 6
            }
            let deletions = telegram.calls(to: "deleteMessage").map { "\($0.parameters["chat_id"].map { "\($0)" } ?? "-")/\($0.status)" }
            #expect(deletedAll, "every message holding a token is deleted: \(deletions)")

            // A rate-limited burst: the third request within the hour is refused, with when to try again.
            for _ in 1...3 { telegram.enqueueMessage(from: ann, text: "/cost") }
            _ = try #require(await cluster.reply(in: ann.id, containing: "faster than allowed. Try again in"))

            // An over-budget user: the first run's real cost reaches the $0.05 limit; the second is refused.
            telegram.enqueueMessage(from: carl, text: "first question")
            let answered = await telegram.waitUntil(timeout: .seconds(60)) { server in
                server.messages(inChat: 1003).contains { message in
                    let text = message.plainText ?? ""
                    return text.contains("first question") || text.contains("cost limit")
                }
            }
            try #require(answered, "no answer to the first run")
            let promptsBefore = modelPrompts()
            telegram.enqueueMessage(from: carl, text: "second question")
            _ = try #require(await cluster.reply(in: carl.id, containing: "Cost limit reached"))

            // A newcomer with a real token: signed in, and Claude answers.
            let welcome = try cluster.runTool(["token", "issue", "--user", String(newcomer.id), "--ttl", "30d"])
            let token = welcome.output.trimmingCharacters(in: .whitespacesAndNewlines)
            cluster.extraSecrets.append(token)
            telegram.enqueueMessage(from: newcomer, text: "/auth \(token)")
            _ = try #require(await cluster.reply(in: newcomer.id, containing: "Signed in"))
            telegram.enqueueMessage(from: newcomer, text: "hello from nina")
            // Each run costs about $0.054 against the fake; at the $0.05 limit the CLI stops it at its budget.
            _ = try #require(await cluster.reply(in: newcomer.id, containing: "reached its cost limit", timeout: .seconds(60)))
            #expect(cluster.anthropic.requests.contains { $0.lastUserText == "hello from nina" })

            // Claude never ran for anyone refused.
            let refusedPrompts = ["let me in", "please work", "run something", "second question"]
            #expect(!cluster.anthropic.requests.contains { refusedPrompts.contains($0.lastUserText ?? "") })
            #expect(modelPrompts() > promptsBefore, "only the newcomer's prompt reached the model after the refusal")

            // The audit log has it all, and its chain verifies.
            let tail = try cluster.runTool(["audit", "tail", "-n", "500"])
            let expected = ["access.denied", "admin.block", "auth.failure", "auth.locked", "auth.success", "limit.rate", "limit.cost"]
            let missing = expected.filter { !tail.output.contains("\t\($0)\t") }
            #expect(missing.isEmpty, "not in the audit log: \(missing)")
            let verify = try cluster.runTool(["audit", "verify"])
            #expect(verify.status == 0 && verify.output.contains("audit log intact"), "\(verify.output)\(verify.errors)")
            #expect(!tail.output.contains(token) && !tail.output.contains(guesserToken))

            #expect(cluster.leakedSecrets().isEmpty, "leaked: \(cluster.leakedSecrets().count) secrets")
            #expect(telegram.violations.isEmpty, "\(telegram.violations)")
        }
    }
}
