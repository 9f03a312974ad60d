import Logging
import Messages
import PeerLink
import Synchronization

/// Hands updates to the guard and waits until each is acknowledged, sending it again every `resendInterval` until
/// then (the guard ignores repeats). Only acknowledged updates may be confirmed to Telegram.
final class IntakeForwarder: Sendable {
    private let connection: GuardConnection
    private let resendInterval: Duration
    private let logger: Logger
    private let acknowledged = Mutex<Set<Int64>>([])
    private let waiters = Mutex<[Int64: CheckedContinuation<Void, Never>]>([:])

    init(connection: GuardConnection, resendInterval: Duration, logger: Logger) {
        self.connection = connection
        self.resendInterval = resendInterval
        self.logger = logger
    }

    /// Reads acknowledgements from the guard until the connection ends.
    func readAcknowledgements() async {
        for await envelope in connection.messages where envelope.type == .updateAck {
            guard let ack = try? WireCodec.decode(UpdateAck.self, from: envelope) else { continue }
            let waiter = waiters.withLock { waiters -> CheckedContinuation<Void, Never>? in
                acknowledged.withLock { _ = $0.insert(ack.updateId) }
                return waiters.removeValue(forKey: ack.updateId)
            }
            waiter?.resume()
        }
    }

    /// Returns once the guard acknowledged every update in `updates`.
    func forward(_ updates: [InboundUpdate]) async throws {
        for update in updates { try? await connection.send(update) }
        var pending = Set(updates.map(\.updateId))
        while !pending.isEmpty {
            try Task.checkCancellation()
            pending = pending.subtracting(acknowledged.withLock { $0 })
            if pending.isEmpty { break }
            let outstanding = pending
            // Wait for an acknowledgement or the resend interval, whichever comes first. Only the interval passing
            // re-sends: re-sending whatever is still pending after every acknowledgement would send a batch of n
            // about n²/2 times, and the guard would spend its time recognising duplicates.
            let intervalPassed = await withTaskGroup(of: Bool.self) { group in
                group.addTask { [resendInterval] in (try? await Task.sleep(for: resendInterval)) != nil }
                group.addTask {
                    await self.waitForLast(of: outstanding)
                    return false
                }
                let first = await group.next() ?? false
                group.cancelAll()
                return first
            }
            pending = pending.subtracting(acknowledged.withLock { $0 })
            if intervalPassed, !pending.isEmpty, !Task.isCancelled {
                for update in updates where pending.contains(update.updateId) { try? await connection.send(update) }
                logger.debug("re-sent unacknowledged updates", metadata: ["count": "\(pending.count)"])
            }
        }
        acknowledged.withLock { $0.subtract(updates.map(\.updateId)) }
    }

    /// Waits for the acknowledgement of the newest update: the guard answers in order, so by then the batch is
    /// usually done, and a batch costs one wait rather than one per update.
    private func waitForLast(of ids: Set<Int64>) async {
        guard let id = ids.max() else { return }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = waiters.withLock { waiters -> Bool in
                    if acknowledged.withLock({ $0.contains(id) }) || Task.isCancelled { return true }
                    if let previous = waiters.updateValue(continuation, forKey: id) { previous.resume() }
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            waiters.withLock { $0.removeValue(forKey: id) }?.resume()
        }
    }
}
