import Messages
import Synchronization

/// The latest metrics text each peer sent, for the guard's endpoint. A peer silent for a minute (gone, or its
/// guard connection lost) is dropped, so a dead executor's figures do not linger.
public final class PeerExpositions: Sendable {
    private struct Entry {
        var program: String
        var peer: String
        var text: String
        var at: EpochMillis
    }

    private let entries = Mutex<[String: Entry]>([:])
    static let staleAfterMs: Int64 = 60_000

    public init() {}

    public func record(program: String, peer: String, text: String, now: EpochMillis) {
        entries.withLock { $0[program + "/" + peer] = Entry(program: program, peer: peer, text: text, at: now) }
    }

    /// The live peers' texts, labelled with `program` and `peer`, in a stable order.
    public func sources(now: EpochMillis) -> [ExpositionMerge.Source] {
        entries.withLock { entries in
            entries = entries.filter { now - $0.value.at <= Self.staleAfterMs }
            return entries.keys.sorted().compactMap { key in
                entries[key].map { .init(labels: [("program", $0.program), ("peer", $0.peer)], text: $0.text) }
            }
        }
    }
}
