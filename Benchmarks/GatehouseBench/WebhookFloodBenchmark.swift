import ArgumentParser
import Crypto
import Foundation
import GRDB
import Messages
import Synchronization
import TestSupport

/// 20,000 webhook deliveries with a bad signature while the allowed users keep prompting: the receiver must refuse
/// every one within a core's worth of CPU, the guard must audit them (as counts), and the allowed users must not
/// notice (their overhead's p99 compared with a run just before the flood, same cluster).
struct WebhookFloodBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "webhook-flood", abstract: "Bad-signature webhook deliveries flood the receiver.")

    @Option(help: "Requests with a bad signature.") var requests = 20_000
    @Option(help: "Keep-alive connections they are sent over.") var connections = 8
    @Option(help: "Milliseconds between two allowed users' prompts.") var allowedEvery = 1_000

    func run() async throws {
        try await Self.measure(requests: requests, connections: connections, allowedEveryMs: allowedEvery).print()
    }

    static func measure(requests: Int, connections: Int, allowedEveryMs: Int) async throws -> BenchReport {
        var report = BenchReport(title: "Webhook flood: \(requests) bad-signature deliveries over \(connections) connections, 5 allowed users prompting")
        let port = try LoopbackPort.free()
        let rules = FileManager.default.temporaryDirectory.appendingPathComponent("bench-rules-\(UUID().uuidString).json")
        try Data(#"{"rules":[{"name":"push","hook":"github","events":["push"],"owner":1001,"chat":1001,"prompt":"Summarise {{ref}}"}]}"#.utf8)
            .write(to: rules)
        defer { try? FileManager.default.removeItem(at: rules) }
        var options = try BenchCluster.options()
        options.environment.merge([
            "ENABLE_API_SERVER": "true", "API_SERVER_HOST": "127.0.0.1", "API_SERVER_PORT": String(port),
            "GITHUB_WEBHOOK_SECRET": "bench secret, not the one the flood signs with", "WEBHOOK_RULES_FILE": rules.path,
            // Every request is checked in full (the worst case): one sender would otherwise be rate-limited first.
            "WEBHOOK_RATE_LIMIT": "100000",
        ]) { _, new in new }
        try await BenchCluster.with(options) { cluster in
            guard await cluster.waitForPrograms(["webhooks"], timeout: .seconds(20)),
                let receiver = cluster.programs().first(where: { $0.name == "webhooks" })
            else { throw HarnessError("the webhook receiver did not start") }
            let chats = Set(BenchCluster.allowedUsers.map(\.id))

            // The allowed users alone, for the comparison.
            let quietStart = BenchClock.epochMicros()
            let quietSent = try await prompt(cluster, every: allowedEveryMs, for: .seconds(10))
            let quiet = try await timings(cluster, chats: chats, since: quietStart, expected: quietSent)

            let body = Data(#"{"ref":"refs/heads/main","repository":{"full_name":"acme/shop"}}"#.utf8)
            let forged = Hex.lowercase(HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Data("wrong".utf8))))
            let request = Data((
                "POST /webhooks/github HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "X-GitHub-Event: push\r\nX-GitHub-Delivery: bench\r\nX-Hub-Signature-256: sha256=\(forged)\r\n"
                + "Content-Length: \(body.count)\r\n\r\n").utf8) + body
            let cpuBefore = ProcessProbe.cpuSeconds(pid: receiver.pid)
            let floodStart = BenchClock.epochMicros()
            let floodOver = StopFlag()
            let flood = Task.detached {
                defer { floodOver.set() }
                return HTTPFlood.run(port: port, request: request, count: requests, connections: connections)
            }
            let duringSent = try await prompt(cluster, every: allowedEveryMs, until: { floodOver.isSet })
            let result = await flood.value
            let cpu = ProcessProbe.cpuSeconds(pid: receiver.pid) - cpuBefore
            let during = try await timings(cluster, chats: chats, since: floodStart, expected: duringSent)
            try await Task.sleep(for: .seconds(3))  // the receiver reports its refusals once a second
            let audited = try auditedRefusals(databasePath: cluster.databasePath)

            let quietP99 = Percentiles(quiet.flatMap { [$0.inboundMs, $0.outboundMs] }).p99
            let duringP99 = Percentiles(during.flatMap { [$0.inboundMs, $0.outboundMs] }).p99
            let refused = result.statuses[401] ?? 0
            report.notes = [
                "the load generator (this process) and the fake Telegram share the machine's 2 cores with the five programs.",
                "receiver CPU = its user + system time during the flood / the flood's wall time.",
                "responses: " + result.statuses.sorted { $0.key < $1.key }.map { "\($0.key) × \($0.value)" }.joined(separator: ", ")
                    + (result.failures > 0 ? ", \(result.failures) failed" : ""),
            ]
            report.rows = [
                BenchRow(name: "refused with 401", target: "\(requests)", measured: "\(refused)", met: refused == requests),
                BenchRow(name: "requests/s", target: "", measured: String(format: "%.0f/s (%.2f s)", Double(requests) / result.seconds, result.seconds), met: nil),
                BenchRow(name: "receiver CPU", target: "≤ 1 core", measured: String(format: "%.2f cores (%.2f s)", cpu / result.seconds, cpu), met: cpu / result.seconds <= 1),
                BenchRow(name: "refusals audited (as counts)", target: "\(requests)", measured: "\(audited.requests) in \(audited.entries) entries", met: audited.requests == requests),
                BenchRow(name: "allowed overhead p99, quiet", target: "", measured: milliseconds(quietP99), met: nil),
                BenchRow(name: "allowed overhead p99, flood", target: "≤ quiet + 50 ms", measured: milliseconds(duringP99), met: duringP99 <= quietP99 + 50 && during.count == duringSent),
                BenchRow(name: "allowed prompts answered", target: "\(quietSent + duringSent)", measured: "\(quiet.count + during.count)", met: quiet.count + during.count == quietSent + duringSent),
            ]
        }
        return report
    }

    final class StopFlag: Sendable {
        private let flag = Mutex(false)
        var isSet: Bool { flag.withLock { $0 } }
        func set() { flag.withLock { $0 = true } }
    }

    /// An allowed user's prompt every `every` ms for `duration` (or until `stop` says so); returns how many.
    static func prompt(_ cluster: GatehouseCluster, every: Int, for duration: Duration? = nil, until stop: @Sendable () -> Bool = { false }) async throws -> Int {
        let allowed = BenchCluster.allowedUsers
        let end = duration.map { ContinuousClock.now + $0 }
        var sent = 0
        while !stop(), end.map({ ContinuousClock.now < $0 }) ?? true {
            cluster.telegram.enqueueMessage(from: allowed[sent % allowed.count], text: "webhook-flood prompt \(sent) bench-sleep-ms=0")
            sent += 1
            try await Task.sleep(for: .milliseconds(every))
        }
        return sent
    }

    static func timings(_ cluster: GatehouseCluster, chats: Set<Int64>, since: Int64, expected: Int) async throws -> [ReplyTiming] {
        var found: [ReplyTiming] = []
        _ = await poll(timeout: .seconds(30), every: .milliseconds(250)) {
            found = ReplyTiming.collect(from: cluster.telegram, chats: chats).filter { $0.updateDeliveredAt >= since }
            return found.count >= expected
        }
        return found
    }

    /// The receiver's refusals as the guard audited them: entries, and the requests they count.
    static func auditedRefusals(databasePath: String) throws -> (entries: Int, requests: Int) {
        var configuration = Configuration()
        configuration.readonly = true
        let database = try DatabaseQueue(path: databasePath, configuration: configuration)
        let details = try database.read { db in
            try String.fetchAll(db, sql: "SELECT detail FROM audit WHERE event = 'webhook.refused'")
        }
        // "github: 523 × “bad_signature” from …"
        let counts = details.compactMap { detail -> Int? in
            guard let colon = detail.firstIndex(of: ":") else { return nil }
            return Int(detail[detail.index(after: colon)...].drop(while: \.isWhitespace).prefix { $0.isNumber })
        }
        return (details.count, counts.reduce(0, +))
    }
}
