import Foundation
import PeerKeys
import Synchronization

/// The CURVE identity each executor connection admitted with (`executor:<key>`), for `gatehouse status`.
final class ExecutorIdentities: Sendable {
    private let identities = Mutex<[Data: String]>([:])

    func note(peer: Data, identity: String) {
        identities.withLock { identities in
            guard identities[peer] != identity else { return }
            if identities.count >= 1_000 { identities = [:] }  // stale connections of restarted executors; re-noted at once
            identities[peer] = identity
        }
    }

    /// Each connection's key fingerprint (the snapshot looks up only registered executors' connections).
    func fingerprints() -> [Data: String] {
        identities.withLock { identities in
            identities.compactMapValues { identity in
                identity.split(separator: ":", maxSplits: 1).last.map { PeerKeyRecord.fingerprint(of: String($0)) }
            }
        }
    }
}
