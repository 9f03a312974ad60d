import Messages
import Synchronization

/// `PeerKeyStore` in memory, for tests.
public final class InMemoryPeerKeyStore: PeerKeyStore {
    private let records = Mutex<[String: PeerKeyRecord]>([:])

    public init() {}

    public func all() throws -> [PeerKeyRecord] {
        records.withLock { Array($0.values) }.sorted { $0.firstSeenAt < $1.firstSeenAt }
    }

    public func noteKnocks(_ keys: [String: EpochMillis]) throws {
        records.withLock { records in
            for (key, at) in keys {
                if records[key] == nil {
                    records[key] = PeerKeyRecord(publicKey: key, status: .pending, firstSeenAt: at, lastSeenAt: at, updatedAt: at)
                } else {
                    records[key]?.lastSeenAt = at
                }
            }
        }
    }

    public func setStatus(_ status: PeerKeyRecord.Status, for publicKey: String, at now: EpochMillis) throws {
        records.withLock { records in
            var record = records[publicKey] ?? PeerKeyRecord(publicKey: publicKey, status: status, firstSeenAt: now, updatedAt: now)
            record.status = status
            record.updatedAt = now
            records[publicKey] = record
        }
    }
}
