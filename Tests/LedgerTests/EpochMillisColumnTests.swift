import GRDB
import Ledger
import Messages
import Testing

/// Instants are stored as they always were: INTEGER epoch milliseconds, whether written as a query argument or by a
/// Codable record, so existing databases read the same and nothing stored changes.
@Suite struct EpochMillisColumnTests {
    struct Stamp: Codable, FetchableRecord, PersistableRecord {
        static let databaseTableName = "stamp"
        var id: Int64
        var at: EpochMillis
        var until: EpochMillis?
    }

    func database() throws -> DatabaseQueue {
        let queue = try DatabaseQueue()
        try queue.write { try $0.execute(sql: "CREATE TABLE stamp (id INTEGER PRIMARY KEY, at INTEGER NOT NULL, until INTEGER)") }
        return queue
    }

    @Test func recordsStoreAndReadIntegers() throws {
        let queue = try database()
        try queue.write { db in
            try Stamp(id: 1, at: 1_700_000_000_123, until: nil).insert(db)
            try Stamp(id: 2, at: -7, until: .max).insert(db)
        }
        try queue.read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT typeof(at) AS type, at, typeof(until) AS untilType FROM stamp ORDER BY id")
            #expect(rows.map { $0["type"] as String } == ["integer", "integer"])
            #expect(rows.map { $0["at"] as Int64 } == [1_700_000_000_123, -7])
            #expect(rows.map { $0["untilType"] as String } == ["null", "integer"])
            let stamps = try Stamp.order(Column("id")).fetchAll(db)
            #expect(stamps.map(\.at) == [1_700_000_000_123, -7])
            #expect(stamps.map(\.until) == [nil, .max])
        }
    }

    @Test func argumentsAndColumnsCompareAsIntegers() throws {
        let queue = try database()
        try queue.write { db in
            // Written by an older version: a bare integer.
            try db.execute(sql: "INSERT INTO stamp (id, at) VALUES (1, 1000), (2, 2000), (3, 3000)")
        }
        let cutoff: EpochMillis = 2_000
        let (atOrAfter, before, latest, missing) = try queue.read { db in
            (try Int64.fetchAll(db, sql: "SELECT id FROM stamp WHERE at >= ? ORDER BY id", arguments: [cutoff]),
             try Stamp.filter(Column("at") < cutoff).fetchCount(db),
             try EpochMillis.fetchOne(db, sql: "SELECT MAX(at) FROM stamp"),
             try EpochMillis.fetchOne(db, sql: "SELECT at FROM stamp WHERE id = 9"))
        }
        #expect(atOrAfter == [2, 3])
        #expect(before == 1)
        #expect(latest == 3_000)
        #expect(missing == nil)
    }
}
