import Crypto
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif
import Messages
import TestSupport
import Testing

/// Webhooks end to end, set up as the README tells a new user (ENABLE_API_SERVER, GITHUB_WEBHOOK_SECRET and a rules
/// file): a signed GitHub push to the real receiver → the guard commits it with a run → the real CLI (against the
/// fake model) → the answer in the chat through the fake Telegram. A retry runs nothing; a forged signature is
/// refused and audited; a kill -9 of the guard or of the receiver between receipt and commit loses or doubles nothing.
@Suite(.serialized) struct WebhookEndToEndTests {
    let ann = FakeTelegramUser(id: 1001, firstName: "Ann")
    // GitHub's documented example secret; the signature itself is checked against GitHub's vector in WebhooksTests.
    let secret = "It's a Secret to Everybody"

    struct Answer { var status: Int; var body: String }

    func post(_ port: Int, _ path: String, _ body: Data, _ headers: [String: String]) async throws -> Answer {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = "POST"
        request.httpBody = body
        request.timeoutInterval = 30
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await URLSession.shared.data(for: request)
        return Answer(status: (response as? HTTPURLResponse)?.statusCode ?? 0, body: String(decoding: data, as: UTF8.self))
    }

    func push(_ repository: String, by pusher: String, delivery: String, secret signingSecret: String? = nil) -> (Data, [String: String]) {
        let body = Data(#"{"ref":"refs/heads/main","repository":{"full_name":"\#(repository)"},"pusher":{"name":"\#(pusher)"}}"#.utf8)
        let mac = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Data((signingSecret ?? secret).utf8)))
        return (body, ["X-GitHub-Event": "push", "X-GitHub-Delivery": delivery, "X-Hub-Signature-256": "sha256=" + Hex.lowercase(mac)])
    }

    func waitUntilHealthy(port: Int) async -> Bool {
        for _ in 0..<150 {
            if let (_, response) = try? await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/healthz")!),
                (response as? HTTPURLResponse)?.statusCode == 200
            {
                return true
            }
            try? await Task.sleep(for: .milliseconds(200))
        }
        return false
    }

    /// Posts until the delivery is taken (the receiver may be restarting, or answer 503 while the guard is).
    func deliver(_ port: Int, _ body: Data, _ headers: [String: String]) async -> Int {
        var status = 0
        for _ in 0..<40 where ![200, 202].contains(status) {
            status = (try? await post(port, "/webhooks/github", body, headers))?.status ?? 0
            if ![200, 202].contains(status) { try? await Task.sleep(for: .milliseconds(500)) }
        }
        return status
    }

    func echoes(_ cluster: GatehouseCluster, of repository: String) -> Int {
        cluster.telegram.messages(inChat: ann.id).compactMap(\.plainText)
            .filter { $0.contains(#"Echo: Summarise the push to "\#(repository)""#) }.count
    }

    @Test func aSignedPushIsAnsweredInTheChatOnceEvenAcrossCrashes() async throws {
        let port = try LoopbackPort.free()
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("webhook-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let rules = root.appendingPathComponent("webhook-rules.json")
        try Data(#"""
            {"rules": [{"name": "push-summary", "hook": "github", "events": ["push"], "owner": 1001,
                        "prompt": "Summarise the push to {{repository.full_name}} by {{pusher.name}}"}]}
            """#.utf8).write(to: rules)
        var options = GatehouseCluster.Options()
        options.allowedUsers = [ann.id]
        options.environment = [
            "ENABLE_API_SERVER": "true", "API_SERVER_HOST": "127.0.0.1", "API_SERVER_PORT": String(port),
            "GITHUB_WEBHOOK_SECRET": secret, "WEBHOOK_RULES_FILE": rules.path, "NOTIFICATION_CHAT_IDS": String(ann.id),
        ]
        try await GatehouseCluster.with(options) { cluster in
            try #require(await waitUntilHealthy(port: port), "the webhook receiver never became healthy on port \(port)")
            // Telegram lets a bot write only to people who have written to it first.
            cluster.telegram.enqueueMessage(from: ann, text: "/start")
            try #require(await cluster.telegram.waitUntil(timeout: .seconds(30)) { !$0.messages(inChat: ann.id).isEmpty })

            // Signed push → 202 once committed → Claude's answer in the chat, the event's fields quoted as data.
            let (body, headers) = push("acme/shop", by: "ann", delivery: "72d3162e-0001")
            let accepted = try await post(port, "/webhooks/github", body, headers)
            #expect(accepted.status == 202 && accepted.body.contains("accepted"), "\(accepted)")
            let answer = await cluster.reply(in: ann.id, containing: #"Echo: Summarise the push to "acme/shop" by "ann""#, timeout: .seconds(60))
            try #require(answer != nil, "no answer; got \(cluster.telegram.messages(inChat: ann.id).map { $0.plainText ?? "-" })")

            // GitHub's retry of the same delivery runs nothing; forged or unaddressed deliveries are refused.
            let retry = try await post(port, "/webhooks/github", body, headers)
            #expect(retry.status == 200 && retry.body.contains("duplicate"), "\(retry)")
            let (forgedBody, forgedHeaders) = push("acme/shop", by: "mallory", delivery: "72d3162e-0002", secret: "not the secret")
            let forged = try await post(port, "/webhooks/github", forgedBody, forgedHeaders)
            #expect(forged.status == 401 && forged.body.contains("bad_signature"), "\(forged)")
            let unknown = try await post(port, "/webhooks/gitlab", body, ["Authorization": "Bearer \(secret)"])
            #expect(unknown.status == 401 && unknown.body.contains("no_secret"), "\(unknown)")

            // The guard dies holding a delivery it has not committed (stopped, then killed): the receiver keeps
            // re-sending until the restarted guard commits it, or answers 503 and the sender's retry is taken.
            let guardPid = try #require(cluster.program(named: "guard")?.pid)
            kill(guardPid, SIGSTOP)
            let (guardBody, guardHeaders) = push("acme/guard-crash", by: "bob", delivery: "72d3162e-0003")
            async let duringGuardCrash = post(port, "/webhooks/github", guardBody, guardHeaders)
            try await Task.sleep(for: .milliseconds(500))
            kill(guardPid, SIGKILL)
            var status = (try? await duringGuardCrash)?.status ?? 0
            if ![200, 202].contains(status) { status = await deliver(port, guardBody, guardHeaders) }
            #expect([200, 202].contains(status), "the delivery was never taken: \(status)")
            #expect(await cluster.reply(in: ann.id, containing: #"Echo: Summarise the push to "acme/guard-crash""#, timeout: .seconds(60)) != nil)

            // The receiver dies after handing a delivery on, before the guard answered: the sender sees a failure
            // and retries against the restarted receiver; the guard takes the delivery once.
            try #require(await waitUntilHealthy(port: port))
            let resumedGuard = try #require(cluster.program(named: "guard")?.pid)
            kill(resumedGuard, SIGSTOP)
            let (receiverBody, receiverHeaders) = push("acme/receiver-crash", by: "cy", delivery: "72d3162e-0004")
            async let duringReceiverCrash = post(port, "/webhooks/github", receiverBody, receiverHeaders)
            try await Task.sleep(for: .milliseconds(500))
            #expect(cluster.crash("webhooks"))
            kill(resumedGuard, SIGCONT)
            let lost = (try? await duringReceiverCrash)?.status ?? 0
            #expect(![200, 202].contains(lost), "the receiver answered although it was killed before the guard did")
            #expect(await cluster.waitForPrograms(["webhooks"]))
            let retried = await deliver(port, receiverBody, receiverHeaders)
            #expect([200, 202].contains(retried), "the retried delivery was never taken: \(retried)")
            #expect(await cluster.reply(in: ann.id, containing: #"Echo: Summarise the push to "acme/receiver-crash""#, timeout: .seconds(60)) != nil)

            // Exactly one run each, and the audit log has the runs and the refusals (reported once a second).
            try await Task.sleep(for: .seconds(3))
            for repository in ["acme/shop", "acme/guard-crash", "acme/receiver-crash"] {
                #expect(echoes(cluster, of: repository) == 1, "\(repository) ran \(echoes(cluster, of: repository)) times")
            }
            let audit = try GatehouseCommand.run(["audit", "tail", "-n", "100"], environment: cluster.environment)
            #expect(audit.output.components(separatedBy: "webhook.run").count - 1 == 3, "\(audit.output)")
            #expect(audit.output.contains("webhook.refused"), "\(audit.output)")
            #expect(!audit.output.contains(secret), "a webhook secret reached the audit log")
        }
    }
}
