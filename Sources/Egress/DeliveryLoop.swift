import Logging
import Messages
import PeerLink
import ServiceLifecycle
import Synchronization

/// Takes deliveries from the guard as they arrive and sends them, up to `capacity` final ones at a time. On
/// graceful shutdown it takes no more and finishes the ones in hand, reporting each to the guard while the
/// connection is still up.
struct DeliveryLoop: Service, CustomStringConvertible {
    var description: String { "delivery loop" }

    let connection: GuardConnection
    let sender: DeliverySender
    let capacity: Int
    let logger: Logger

    func run() async {
        await withGracefulShutdownHandler {
            await deliver()
        } onGracefulShutdown: { [logger, connection] in
            logger.info("egress draining")
            connection.stopTakingMessages()
        }
    }

    private func deliver() async {
        let inProgress = DeliveriesInHand()
        // Only final deliveries count against the capacity: progress (status messages, their edits and removals)
        // may wait long for a chat's full bucket, and must not keep answers to other chats out. The guard bounds
        // progress itself (one status message per job, edits coalesced, one removal).
        await withTaskGroup(of: Bool.self) { group in
            var running = 0
            for await envelope in connection.messages {
                guard envelope.type == .delivery else { continue }
                let delivery: Delivery
                do {
                    delivery = try WireCodec.decode(Delivery.self, from: envelope)
                } catch {
                    logger.warning("dropped a malformed delivery", metadata: ["error": "\(error)"])
                    continue
                }
                // The guard re-sends a delivery it has not heard back about; one already in hand is not done twice.
                guard inProgress.take(delivery.deliveryId) else { continue }
                let counted = DeliveryPacing.of(delivery).priority == .final
                while counted && running >= capacity, let finished = await group.next() {
                    if finished { running -= 1 }
                }
                if counted { running += 1 }
                group.addTask {
                    defer { inProgress.release(delivery.deliveryId) }
                    guard let result = await sender.deliver(delivery) else { return counted }
                    logger.info("delivery done", metadata: [
                        "delivery.id": "\(delivery.deliveryId)", "status": "\(result.status.rawValue)",
                        "job.id": "\(delivery.jobId ?? "-")", "update.id": "\(delivery.updateId.map(String.init) ?? "-")",
                    ])
                    do {
                        try await connection.send(result)
                    } catch {
                        // The guard re-sends unconfirmed deliveries; this one may then be sent twice (documented).
                        logger.warning("could not report a delivery", metadata: [
                            "delivery.id": "\(delivery.deliveryId)", "error": "\(error)",
                        ])
                    }
                    return counted
                }
            }
            // Drain: finish what is in progress before stopping.
            await group.waitForAll()
        }
    }
}

/// Deliveries egress is working on, so a re-sent one is not started twice.
private final class DeliveriesInHand: Sendable {
    private let ids = Mutex<Set<String>>([])

    /// False if this delivery is already in hand.
    func take(_ id: String) -> Bool { ids.withLock { $0.insert(id).inserted } }

    func release(_ id: String) { ids.withLock { _ = $0.remove(id) } }
}
