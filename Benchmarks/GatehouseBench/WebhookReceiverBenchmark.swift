import ArgumentParser
import Crypto
import Foundation
import HTTP
import Logging
import Messages
import TestSupport
import Transport
#if canImport(Glibc)
import Glibc
#endif

/// A flood of badly signed webhook deliveries against the real `gatehouse webhooks` program (its own process, so its
/// CPU time is its own), with a fake guard on the intake link: what each refusal costs the receiver, how many it
/// answers a second, and how few messages the guard gets for all of them.
struct WebhookReceiverBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "webhook-receiver", abstract: "Badly signed webhook deliveries flood the receiver.")

    @Option(help: "Requests with a wrong signature.") var requests = 20_000
    @Option(help: "Connections sending at once.") var connections = 16

    func run() async throws {
        try await Self.measure(requests: requests, connections: connections).print()
    }

    static func measure(requests: Int, connections: Int) async throws -> BenchReport {
        var report = BenchReport(title: "Webhook flood: \(requests) badly signed deliveries over \(connections) connections")
        var logger = Logger(label: "bench.webhooks")
        logger.logLevel = .error
        let context = try ZMQContext()
        let fakeGuard = try FakeWebhookGuard(context: context, logger: logger)
        let port = try LoopbackPort.free()
        let receiver = try startReceiver(intake: fakeGuard.endpoint, port: port)
        let http = HTTPClient(logger: logger)
        defer { receiver.terminate() }
        let base = "http://127.0.0.1:\(port)"
        guard await waitUntilHealthy(http, base) else { throw ValidationError("the receiver did not come up on port \(port)") }

        let body = Data(#"{"ref":"refs/heads/main","repository":{"full_name":"acme/widgets"},"commits":[]}"#.utf8)
        let wrong = "sha256=" + Hex.lowercase(HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Data("not the secret".utf8))))
        let cpuBefore = ProcessProbe.cpuSeconds(pid: receiver.processIdentifier)
        let start = ContinuousClock.now
        let statuses = try await withThrowingTaskGroup(of: [Int: Int].self) { group in
            for worker in 0..<connections {
                group.addTask {
                    var seen: [Int: Int] = [:]
                    for index in stride(from: worker, to: requests, by: connections) {
                        let response = try await http.execute(HTTPRequest(
                            method: .post, url: base + "/webhooks/github",
                            headers: [HTTPHeader("X-Hub-Signature-256", wrong), HTTPHeader("X-GitHub-Delivery", "flood-\(index)"),
                                      HTTPHeader("X-GitHub-Event", "push")],
                            body: .data(body, contentType: "application/json")))
                        seen[response.status, default: 0] += 1
                    }
                    return seen
                }
            }
            var all: [Int: Int] = [:]
            for try await seen in group { all.merge(seen, uniquingKeysWith: +) }
            return all
        }
        let seconds = (ContinuousClock.now - start).seconds
        let cpu = ProcessProbe.cpuSeconds(pid: receiver.processIdentifier) - cpuBefore
        // The last counts go out within a report interval (1 s).
        var reported = 0
        for _ in 0..<40 {
            reported = fakeGuard.reports.flatMap(\.counts).reduce(0) { $0 + $1.count }
            if reported >= requests { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        let messages = fakeGuard.reports.count
        receiver.terminate()
        receiver.waitUntilExit()
        await http.shutdown()
        await fakeGuard.stop()
        await context.terminate()

        let refused = statuses[401] ?? 0
        report.notes = [
            "the receiver is the real `gatehouse webhooks` (debug or release as built), WEBHOOK_RATE_LIMIT high enough that every request reaches the signature check; the client (libcurl) runs in this process on the same cores.",
            "CPU = the receiver's user+system time during the flood (/proc/<pid>/stat); messages = WebhookRefusals the fake guard received.",
        ]
        report.rows = [
            BenchRow(name: "answered 401 bad_signature", target: "\(requests)", measured: "\(refused)", met: refused == requests),
            BenchRow(name: "requests/s", target: "", measured: String(format: "%.0f/s (%.2f s)", Double(requests) / seconds, seconds), met: nil),
            BenchRow(name: "receiver CPU", target: "", measured: String(format: "%.2f s (%.0f µs a request)", cpu, cpu / Double(requests) * 1e6), met: nil),
            BenchRow(name: "refusals reported to the guard", target: "\(requests)", measured: "\(reported)", met: reported == requests),
            BenchRow(name: "messages to the guard", target: "≤ 1/s + 2", measured: "\(messages)", met: messages <= Int(seconds.rounded(.up)) + 2),
        ]
        return report
    }

    private static func startReceiver(intake: String, port: Int) throws -> Process {
        let binary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent("gatehouse")
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw ValidationError("no gatehouse next to gatehouse-bench at \(binary.path); build it with `swift build --product gatehouse`")
        }
        let process = Process()
        process.executableURL = binary
        process.arguments = ["webhooks"]
        process.environment = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "ENVIRONMENT": "development",
            "LOG_LEVEL": "warning", "TMPDIR": NSTemporaryDirectory(), "GATEHOUSE_INTAKE_ENDPOINT": intake,
            "API_SERVER_HOST": "127.0.0.1", "API_SERVER_PORT": "\(port)",
            "GITHUB_WEBHOOK_SECRET": "bench-github-secret-0123456789", "WEBHOOK_API_SECRET": "bench-api-secret-0123456789",
            "WEBHOOK_RATE_LIMIT": "100000",
        ]
        try process.run()
        return process
    }

    private static func waitUntilHealthy(_ http: HTTPClient, _ base: String) async -> Bool {
        for _ in 0..<100 {
            if let response = try? await http.execute(HTTPRequest(url: base + "/healthz", timeout: .seconds(2))), response.status == 200 {
                return true
            }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return false
    }
}

extension Duration {
    fileprivate var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
