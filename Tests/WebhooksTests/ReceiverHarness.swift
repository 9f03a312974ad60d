import Crypto
import Foundation
import HTTP
import Logging
import Messages
import ServiceLifecycle
import Settings
import Synchronization
import TestSupport
import Transport
@testable import Webhooks

/// The real webhook receiver (`WebhooksService`, Hummingbird on a free loopback port) linked to a `FakeWebhookGuard`, and
/// a real HTTP client (libcurl) to talk to it.
struct ReceiverHarness {
    static let githubSecret = "It's a Secret to Everybody"
    static let apiSecret = "api-secret-0123456789"

    let fakeGuard: FakeWebhookGuard
    let port: Int
    let http: HTTPClient
    let context: ZMQContext
    let serviceGroup: ServiceGroup
    let task: Task<Void, any Error>

    var baseURL: String { "http://127.0.0.1:\(port)" }

    static func start(_ tweak: (inout WebhooksConfiguration) -> Void = { _ in }) async throws -> ReceiverHarness {
        var logger = Logger(label: "webhooks-test")
        logger.logLevel = .warning
        let context = try ZMQContext()
        let fakeGuard = try FakeWebhookGuard(context: context, logger: logger)
        var configuration = WebhooksConfiguration(guardEndpoint: fakeGuard.endpoint, webhooksId: "webhooks-test")
        configuration.host = "127.0.0.1"
        configuration.port = 0
        configuration.githubSecret = Secret(githubSecret)
        configuration.apiSecret = Secret(apiSecret)
        configuration.maxBodyBytes = 4_096
        configuration.rateLimitPerMinute = 10_000
        configuration.ackResendInterval = .milliseconds(300)
        configuration.ackDeadline = .seconds(3)
        configuration.bodyDeadline = .seconds(2)
        configuration.refusalReportInterval = .milliseconds(500)
        tweak(&configuration)
        let (ports, portSink) = AsyncStream.makeStream(of: Int.self)
        configuration.onListening = { portSink.yield($0) }
        let service = WebhooksService(configuration: configuration, context: context, logger: logger)
        // In a service group as `gatehouse webhooks` runs it, so that stopping is the real graceful shutdown.
        let serviceGroup = ServiceGroup(services: [service], logger: logger)
        let task = Task { try await serviceGroup.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw HarnessError.noPort }
        let harness = ReceiverHarness(
            fakeGuard: fakeGuard, port: port, http: HTTPClient(logger: logger), context: context, serviceGroup: serviceGroup, task: task)
        try await harness.waitForGuardLink()
        return harness
    }

    enum HarnessError: Error { case noPort, guardLinkDown }

    /// `/healthz` says 200 once the fake guard answered a heartbeat.
    func waitForGuardLink() async throws {
        for _ in 0..<100 {
            if try await get("/healthz").status == 200 { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw HarnessError.guardLinkDown
    }

    func stop() async {
        await serviceGroup.triggerGracefulShutdown()
        _ = await task.result
        await fakeGuard.stop()
        await http.shutdown()
        await context.terminate()
    }

    func get(_ path: String) async throws -> HTTPResponse {
        try await http.execute(HTTPRequest(method: .get, url: baseURL + path, timeout: .seconds(20)))
    }

    func post(_ path: String, body: Data, headers: [String: String]) async throws -> HTTPResponse {
        try await http.execute(HTTPRequest(
            method: .post, url: baseURL + path, headers: headers.sorted { $0.key < $1.key }.map { HTTPHeader($0.key, $0.value) },
            body: .data(body, contentType: "application/json"), timeout: .seconds(30)))
    }

    /// A GitHub delivery signed with `secret`.
    func github(_ body: Data, delivery: String, event: String = "push", secret: String = githubSecret) async throws -> HTTPResponse {
        try await post("/webhooks/github", body: body, headers: [
            "X-Hub-Signature-256": Self.signature(body, secret), "X-GitHub-Delivery": delivery, "X-GitHub-Event": event,
        ])
    }

    static func signature(_ body: Data, _ secret: String) -> String {
        "sha256=" + Hex.lowercase(HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Data(secret.utf8))))
    }

    /// Waits until `condition` holds, up to `timeout`.
    static func eventually(_ timeout: Duration = .seconds(5), _ condition: () -> Bool) async -> Bool {
        let end = ContinuousClock.now + timeout
        while ContinuousClock.now < end {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(25))
        }
        return condition()
    }
}

func status(of response: HTTPResponse) -> String? {
    (try? JSONSerialization.jsonObject(with: response.body) as? [String: String])?["status"]
}

func reason(of response: HTTPResponse) -> String? {
    (try? JSONSerialization.jsonObject(with: response.body) as? [String: String])?["reason"]
}
