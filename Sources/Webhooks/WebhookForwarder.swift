import Foundation
import Logging
import Messages
import Synchronization

/// Hands authenticated deliveries to the guard and waits for each one's acknowledgement, sending it again every
/// `resendInterval` (the guard de-duplicates by `deliveryId`) and giving up after `deadline`: the sender then gets
/// 503 and retries by itself. Only an acknowledged delivery earns the sender a 2xx.
final class WebhookForwarder: Sendable {
    private struct Key: Hashable {
        var hook: String
        var deliveryId: String
    }

    /// One request's wait. An acknowledgement may land before the waiting task has parked, hence `arrived`.
    private enum Slot {
        case pending
        case parked(CheckedContinuation<WebhookAck?, Never>)
        case arrived(WebhookAck)
    }

    private let send: @Sendable (WebhookEvent) async throws -> Void
    private let resendInterval: Duration
    private let deadline: Duration
    private let logger: Logger
    private let slots = Mutex<[Key: [UUID: Slot]]>([:])

    init(
        resendInterval: Duration, deadline: Duration, logger: Logger,
        send: @escaping @Sendable (WebhookEvent) async throws -> Void
    ) {
        self.send = send
        self.resendInterval = resendInterval
        self.deadline = deadline
        self.logger = logger
    }

    /// Reads acknowledgements until the stream ends; those of refusal reports go to `refusalsAcknowledged`.
    func readAcknowledgements(from messages: AsyncStream<Envelope>, refusalsAcknowledged: (String) -> Void) async {
        for await envelope in messages where envelope.type == .webhookAck {
            guard let ack = try? WireCodec.decode(WebhookAck.self, from: envelope) else {
                logger.warning("dropped an unreadable webhook acknowledgement")
                continue
            }
            if ack.hook == WebhookRefusals.ackHook {
                refusalsAcknowledged(ack.deliveryId)
            } else {
                acknowledge(ack)
            }
        }
    }

    func acknowledge(_ ack: WebhookAck) {
        let parked = slots.withLock { slots -> [CheckedContinuation<WebhookAck?, Never>] in
            let key = Key(hook: ack.hook, deliveryId: ack.deliveryId)
            guard let waiting = slots[key] else { return [] }
            var continuations: [CheckedContinuation<WebhookAck?, Never>] = []
            for (id, slot) in waiting {
                if case .parked(let continuation) = slot {
                    continuations.append(continuation)
                    slots[key]?.removeValue(forKey: id)
                } else {
                    slots[key]?[id] = .arrived(ack)
                }
            }
            if slots[key]?.isEmpty == true { slots.removeValue(forKey: key) }
            return continuations
        }
        for continuation in parked { continuation.resume(returning: ack) }
    }

    /// The guard's acknowledgement, or nil if none came within the deadline (or the task was cancelled).
    func deliver(_ event: WebhookEvent) async -> WebhookAck? {
        let key = Key(hook: event.hook, deliveryId: event.deliveryId)
        let id = UUID()
        slots.withLock { $0[key, default: [:]][id] = .pending }
        defer { _ = removeSlot(key, id) }
        return await withTaskGroup(of: WebhookAck?.self) { group in
            group.addTask { await self.waitForAck(key, id) }
            group.addTask {
                let start = ContinuousClock.now
                var attempt = 0
                while !Task.isCancelled {
                    let elapsed = ContinuousClock.now - start
                    if elapsed >= self.deadline { break }
                    do {
                        try await self.send(event)
                    } catch {
                        self.logger.debug("webhook event not sent", metadata: ["error": "\(error)"])
                    }
                    if attempt > 0 {
                        self.logger.debug("re-sent an unacknowledged webhook event", metadata: [
                            "webhook.hook": "\(event.hook)", "webhook.delivery": "\(event.deliveryId)", "attempt": "\(attempt + 1)",
                        ])
                    }
                    attempt += 1
                    try? await Task.sleep(for: min(self.resendInterval, self.deadline - elapsed))
                }
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    private func waitForAck(_ key: Key, _ id: UUID) async -> WebhookAck? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<WebhookAck?, Never>) in
                let ready = slots.withLock { slots -> WebhookAck?? in
                    switch slots[key]?[id] {
                    case .arrived(let ack): return .some(ack)
                    case .pending where !Task.isCancelled:
                        slots[key]?[id] = .parked(continuation)
                        return .none
                    default: return .some(nil)
                    }
                }
                if case .some(let ack) = ready { continuation.resume(returning: ack) }
            }
        } onCancel: {
            if case .parked(let continuation) = removeSlot(key, id) { continuation.resume(returning: nil) }
        }
    }

    @discardableResult
    private func removeSlot(_ key: Key, _ id: UUID) -> Slot? {
        slots.withLock { slots in
            let slot = slots[key]?.removeValue(forKey: id)
            if slots[key]?.isEmpty == true { slots.removeValue(forKey: key) }
            return slot
        }
    }
}
