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
                if let report = try? WireCodec.decode(WebhookRefusals.self, from: envelope) {
                    refusalReports.withLock { $0.append(report) }
                }
            default:
                continue
            }
        }
    }
}
