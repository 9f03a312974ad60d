import Foundation
import GRDB
import Messages

/// `PeerKeyStore` in the guard's SQLite file. Its own table, created if missing, so that `gatehouse keys` can
/// open the same file while the guard runs (WAL) and the guard picks up changes on its next refresh.
public final class SQLitePeerKeyStore: PeerKeyStore {
    private let queue: DatabaseQueue

    public init(path: String) throws {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        queue = try DatabaseQueue(path: path, configuration: configuration)
        try queue.write { db in
            try db.execute(sql: """
                CREATE TABLE IF NOT EXISTS peer_keys (
                    publicKey TEXT PRIMARY KEY, status TEXT NOT NULL, firstSeenAt INTEGER NOT NULL,
                    lastSeenAt INTEGER, updatedAt INTEGER NOT NULL)
                """)
        }
    }

    public func all() throws -> [PeerKeyRecord] {
        try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM peer_keys ORDER BY firstSeenAt").compactMap { row in
                guard let status = PeerKeyRecord.Status(rawValue: row["status"]) else { return nil }
                return PeerKeyRecord(
                    publicKey: row["publicKey"], status: status, firstSeenAt: EpochMillis(row["firstSeenAt"] as Int64),
                    lastSeenAt: (row["lastSeenAt"] as Int64?).map { EpochMillis($0) }, updatedAt: EpochMillis(row["updatedAt"] as Int64))
            }
        }
    }

    public func noteKnocks(_ keys: [String: EpochMillis]) throws {
        guard !keys.isEmpty else { return }
        try queue.write { db in
            for (key, at) in keys {
                try db.execute(sql: """
                    INSERT INTO peer_keys (publicKey, status, firstSeenAt, lastSeenAt, updatedAt) VALUES (?, 'pending', ?, ?, ?)
                    ON CONFLICT(publicKey) DO UPDATE SET lastSeenAt = excluded.lastSeenAt
                    """, arguments: [key, at.rawValue, at.rawValue, at.rawValue])
            }
        }
    }

    public func setStatus(_ status: PeerKeyRecord.Status, for publicKey: String, at now: EpochMillis) throws {
        try queue.write { db in
            try db.execute(sql: """
                INSERT INTO peer_keys (publicKey, status, firstSeenAt, updatedAt) VALUES (?, ?, ?, ?)
                ON CONFLICT(publicKey) DO UPDATE SET status = excluded.status, updatedAt = excluded.updatedAt
                """, arguments: [publicKey, status.rawValue, now.rawValue, now.rawValue])
        }
    }
}
