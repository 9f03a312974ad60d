import Foundation
import Logging
import Messages
import Synchronization
import Transport

/// Stands in for the guard on the intake link: a real ROUTER socket that answers heartbeats as the guard does, records
/// every webhook event and refusal report, and acknowledges events as the test tells it (after a delay, or never).
public final class FakeWebhookGuard: Sendable {
    /// How to answer one event: nil to stay silent.
    public typealias Answer = @Sendable (WebhookEvent) -> (delay: Duration, ack: WebhookAck)?

    public let router: RouterSocket
    private let answer: Mutex<Answer>
    private let events = Mutex<[(event: WebhookEvent, at: ContinuousClock.Instant)]>([])
    private let refusalReports = Mutex<[WebhookRefusals]>([])
    private let task = Mutex<Task<Void, Never>?>(nil)

    public var endpoint: String { router.boundEndpoints[0] }

    public init(context: ZMQContext, logger: Logger, answer: @escaping Answer = FakeWebhookGuard.accept) throws {
        router = try RouterSocket(context: context, bind: ["tcp://127.0.0.1:*"], logger: logger)
        self.answer = Mutex(answer)
        let loop = Task { [self] in await serve() }
        task.withLock { $0 = loop }
    }

    public static let accept: Answer = { event in
        (.zero, WebhookAck(hook: event.hook, deliveryId: event.deliveryId, outcome: .accepted, runs: 1))
    }

    public func answer(with answer: @escaping Answer) { self.answer.withLock { $0 = answer } }

    public var receivedEvents: [WebhookEvent] { events.withLock { $0.map(\.event) } }
    public var firstEventAt: ContinuousClock.Instant? { events.withLock { $0.first?.at } }
    public var reports: [WebhookRefusals] { refusalReports.withLock { $0 } }
    /// Refusal reports received, re-sent ones included.
    public var reportDeliveries: Int { refusalDeliveries.withLock { $0 } }
    private let refusalDeliveries = Mutex(0)
    private let acknowledgesReports = Mutex(true)
    /// Whether refusal reports are acknowledged (as the real guard does once it audited them).
    public func acknowledgeReports(_ yes: Bool) { acknowledgesReports.withLock { $0 = yes } }

    public func stop() async {
        task.withLock { $0 }?.cancel()
        await router.close()
    }

    private func serve() async {
        for await message in router.messages {
            guard let envelope = try? WireCodec.envelope(of: message.frames) else { continue }
            switch envelope.type {
            case .heartbeat:
                let beat = Heartbeat(senderId: "fake-guard", sentAt: Date().epochMillis, registered: true)
                try? await router.send(try WireCodec.encode(beat), to: message.peer)
            case .webhookEvent:
                guard let event = try? WireCodec.decode(WebhookEvent.self, from: envelope) else { continue }
                events.withLock { $0.append((event, .now)) }
                guard let (delay, ack) = answer.withLock({ $0 })(event) else { continue }
                let peer = message.peer
                Task {
                    try? await Task.sleep(for: delay)
                    try? await self.router.send(try WireCodec.encode(ack), to: peer)
                }
            case .webhookRefusals:
                // Kept once per report id (as the guard audits them), and acknowledged unless told not to.
                guard let report = try? WireCodec.decode(WebhookRefusals.self, from: envelope) else { continue }
                refusalReports.withLock { reports in
                    if report.reportId == nil || !reports.contains(where: { $0.reportId == report.reportId }) { reports.append(report) }
                }
                refusalDeliveries.withLock { $0 += 1 }
                if let reportId = report.reportId, acknowledgesReports.withLock({ $0 }) {
                    let ack = WebhookAck(hook: WebhookRefusals.ackHook, deliveryId: reportId, outcome: .accepted)
                    try? await router.send(try WireCodec.encode(ack), to: message.peer)
                }
            default:
                continue
            }
        }
    }
}
