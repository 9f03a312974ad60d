import Foundation
import GRDB

/// The guard's latest `GuardStatusSnapshot`, one row in its own table of the guard's database (created if missing),
/// so `gatehouse status` can read it while the guard runs (WAL).
public final class SQLiteStatusStore: Sendable {
    private let queue: DatabaseQueue

    public init(path: String) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        queue = try DatabaseQueue(path: path, configuration: configuration)
        try queue.write { db in
            try db.execute(sql: """
                CREATE TABLE IF NOT EXISTS guard_status (
                    id INTEGER PRIMARY KEY CHECK (id = 1), snapshot TEXT NOT NULL, writtenAt INTEGER NOT NULL)
                """)
        }
    }

    public func write(_ snapshot: GuardStatusSnapshot) throws {
        let json = String(decoding: try JSONEncoder().encode(snapshot), as: UTF8.self)
        try queue.write { db in
            try db.execute(
                sql: "INSERT INTO guard_status (id, snapshot, writtenAt) VALUES (1, ?, ?) ON CONFLICT(id) DO UPDATE SET snapshot = excluded.snapshot, writtenAt = excluded.writtenAt",
                arguments: [json, snapshot.writtenAt])
        }
    }

    public func read() throws -> GuardStatusSnapshot? {
        guard let json = try queue.read({ db in try String.fetchOne(db, sql: "SELECT snapshot FROM guard_status WHERE id = 1") }) else {
            return nil
        }
        return try JSONDecoder().decode(GuardStatusSnapshot.self, from: Data(json.utf8))
    }
}
