import Synchronization
import Transport

/// Messages from one socket, taken in batches: while the core handles one batch, the next gathers. Lets the guard
/// commit a burst of intake updates in one transaction instead of one each.
final class MessageInbox: Sendable {
    private let queue = Mutex<[RoutedMessage]>([])
    private let signal: AsyncStream<Void>.Continuation
    /// Yields whenever messages may be waiting; finishes when the socket's stream does.
    let arrivals: AsyncStream<Void>

    init() {
        (arrivals, signal) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// Moves the socket's messages into the inbox until the socket closes.
    func fill(from messages: AsyncStream<RoutedMessage>) async {
        for await message in messages {
            queue.withLock { $0.append(message) }
            signal.yield()
        }
        signal.finish()
    }

    /// Everything that arrived since the last call, oldest first.
    func takeAll() -> [RoutedMessage] {
        queue.withLock { queue in
            defer { queue = [] }
            return queue
        }
    }
}
