import Foundation
import Hummingbird
import NIOCore

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

    private enum Progress: Sendable {
        case finished(Outcome)
        case deadlinePassed
    }

    static func read(_ body: RequestBody, limit: Int, deadline: Duration, channel: any Channel) async -> Outcome {
        await withTaskGroup(of: Progress.self) { group in
            group.addTask {
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
                    return .finished(.timedOut(tooLarge: overLimit))
                }
                return .finished(overLimit ? .tooLarge : .complete(collected))
            }
            group.addTask {
                try? await Task.sleep(for: deadline)
                return .deadlinePassed
            }
            let first = await group.next() ?? .deadlinePassed
            if case .finished(let outcome) = first {
                group.cancelAll()
                return outcome
            }
            // Stop reading: the answer goes out, then the connection closes instead of waiting for the rest. The
            // reader ends on the closed input and tells whether the limit had been passed by then.
            channel.close(mode: .input, promise: nil)
            group.cancelAll()
            guard case .finished(let cutOff) = await group.next() ?? .deadlinePassed else { return .timedOut(tooLarge: false) }
            switch cutOff {
            case .tooLarge, .timedOut(tooLarge: true): return .timedOut(tooLarge: true)
            default: return .timedOut(tooLarge: false)
            }
        }
    }
}
