import GRDB
@testable import Ledger
import Testing

/// `upsertRow` must store exactly what GRDB's `save` stores: a new row inserted, an existing one replaced whole
/// (a column set back to NULL included), and keys SQLite cannot match (a NULL part) left to `save`.
@Suite struct RowUpsertTests {
    struct Note: Codable, FetchableRecord, PersistableRecord, Equatable {
        static let databaseTableName = "notes"
        var owner: Int64
        var topic: String?
        var text: String?
        var count: Int
    }

    struct Tag: Codable, FetchableRecord, PersistableRecord, Equatable {
        static let databaseTableName = "tags"
        var name: String
        var kind: String
    }

    private func database() throws -> DatabaseQueue {
        let queue = try DatabaseQueue()
        try queue.write { db in
            try db.execute(sql: """
                CREATE TABLE notes (owner INTEGER NOT NULL, topic TEXT, text TEXT, count INTEGER NOT NULL,
                                    PRIMARY KEY (owner, topic));
                CREATE TABLE tags (name TEXT NOT NULL, kind TEXT NOT NULL, PRIMARY KEY (name, kind));
                """)
        }
        return queue
    }

    @Test func insertsNewRowsAndReplacesStoredOnesWhole() throws {
        let queue = try database()
        try queue.write { db in
            try Note(owner: 1, topic: "a", text: "first", count: 1).upsertRow(db)
            try Note(owner: 2, topic: "a", text: "other", count: 7).upsertRow(db)
            try Note(owner: 1, topic: "a", text: nil, count: 2).upsertRow(db)
        }
        let notes = try queue.read { db in try Note.order(Column("owner")).fetchAll(db) }
        #expect(notes == [Note(owner: 1, topic: "a", text: nil, count: 2), Note(owner: 2, topic: "a", text: "other", count: 7)])
    }

    @Test func aKeyWithANullPartIsStoredAsSaveStoresIt() throws {
        let viaUpsert = try database(), viaSave = try database()
        let rows = [Note(owner: 1, topic: nil, text: "x", count: 1), Note(owner: 1, topic: nil, text: "y", count: 2)]
        try viaUpsert.write { db in for row in rows { try row.upsertRow(db) } }
        try viaSave.write { db in for row in rows { try row.save(db) } }
        let stored = try viaUpsert.read { db in try Note.order(Column("count")).fetchAll(db) }
        #expect(stored == (try viaSave.read { db in try Note.order(Column("count")).fetchAll(db) }))
        #expect(stored.count == 2)
    }

    @Test func aRowOfKeysOnlyIsStoredOnce() throws {
        let queue = try database()
        try queue.write { db in
            try Tag(name: "n", kind: "k").upsertRow(db)
            try Tag(name: "n", kind: "k").upsertRow(db)
        }
        #expect(try queue.read { db in try Tag.fetchCount(db) } == 1)
    }

    @Test func theStatementNamesEveryColumnOnceAndUpdatesOnlyTheOthers() throws {
        let layout = try RowUpsertLayout.build("notes", columns: ["count", "owner", "text", "topic"], primaryKey: ["owner", "topic"])
        #expect(layout.keyIndexes == [1, 3])
        #expect(layout.sql == """
            INSERT INTO "notes" ("count", "owner", "text", "topic") VALUES (?, ?, ?, ?) \
            ON CONFLICT ("owner", "topic") DO UPDATE SET "count" = excluded."count", "text" = excluded."text"
            """)
        #expect(throws: DatabaseError.self) {
            try RowUpsertLayout.build("notes", columns: ["count", "text"], primaryKey: ["owner"])
        }
    }
}
