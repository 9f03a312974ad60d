import Foundation
import Hummingbird
import NIOCore
import Synchronization

/// Reads a request body under a size limit and a deadline. A body over the limit is still read to its end (and
/// dropped), so the sender gets its 413 rather than a reset connection; the deadline bounds that too, so a sender
/// trickling bytes (slow-loris) holds a connection for at most `deadline`.
enum BodyReader {
    enum Outcome: Sendable, Equatable {
        case complete(Data)
        case tooLarge
        /// The deadline passed first; `tooLarge` if the limit had already been passed by then.
        case timedOut(tooLarge: Bool)
    }

    /// The deadline is a timer on the connection's own event loop that closes its input, which ends the body:
    /// no task or thread hop per request (a flood of small requests is mostly that cost otherwise).
    static func read(_ body: RequestBody, limit: Int, deadline: Duration, channel: any Channel) async -> Outcome {
        let expired = Expiry()
        let timer = channel.eventLoop.scheduleTask(in: TimeAmount(deadline)) {
            expired.set()
            channel.close(mode: .input, promise: nil)
        }
        defer { timer.cancel() }
        var collected = Data()
        var overLimit = false
        do {
            for try await buffer in body {
                if overLimit { continue }
                if collected.count + buffer.readableBytes > limit {
                    overLimit = true
                    collected = Data()
                    continue
                }
                collected.append(contentsOf: buffer.readableBytesView)
            }
        } catch {
            // The connection broke or was cut off: the body is incomplete, which is as good as late.
            return .timedOut(tooLarge: overLimit)
        }
        if expired.isSet { return .timedOut(tooLarge: overLimit) }
        return overLimit ? .tooLarge : .complete(collected)
    }

    private final class Expiry: Sendable {
        private let flag = Atomic<Bool>(false)
        var isSet: Bool { flag.load(ordering: .acquiring) }
        func set() { flag.store(true, ordering: .releasing) }
    }
}
