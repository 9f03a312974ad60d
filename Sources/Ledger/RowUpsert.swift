import GRDB
import Synchronization

/// Writes a record's whole row in one cached statement: inserted, or the stored row with the same primary key
/// replaced column by column (`INSERT … ON CONFLICT (key) DO UPDATE`). GRDB's `save` does the same in two statements
/// (an UPDATE, then an INSERT when no row changed) and builds each one's SQL again for every row, looking its columns
/// up by key path; on the guard's path from a message to its `typing` that building cost more than SQLite's own work
/// (profiled, issue 18). Here the SQL is built once per table and column set, and SQLite keeps the prepared statement.
///
/// A row whose primary key has a NULL part goes through `save`: SQLite never finds such a row by its key, so the
/// two could differ there, and only `save`'s behaviour is the established one.
extension PersistableRecord {
    func upsertRow(_ db: Database) throws {
        let values = try databaseDictionary
        let layout = try RowUpsertLayout.of(Self.databaseTableName, columns: values.keys, in: db)
        var arguments: [DatabaseValue] = []
        arguments.reserveCapacity(layout.columns.count)
        for column in layout.columns {
            guard let value = values[column] else { return try save(db) }
            arguments.append(value)
        }
        for index in layout.keyIndexes where arguments[index].isNull { return try save(db) }
        try db.cachedStatement(sql: layout.sql).execute(arguments: StatementArguments(arguments))
    }
}

/// One table's upsert statement for one set of columns, in a fixed column order.
struct RowUpsertLayout: Sendable {
    let columns: [String]
    /// Where the primary key's columns are in `columns`.
    let keyIndexes: [Int]
    let sql: String

    private static let known = Mutex<[String: RowUpsertLayout]>([:])

    /// The layout for `table` with exactly `columns`, built on first use (and again if a record's columns change).
    static func of(_ table: String, columns: Dictionary<String, DatabaseValue>.Keys, in db: Database) throws -> RowUpsertLayout {
        if let layout = known.withLock({ $0[table] }), layout.columns.count == columns.count,
           layout.columns.allSatisfy(columns.contains) {
            return layout
        }
        let layout = try build(table, columns: columns.sorted(), primaryKey: db.primaryKey(table).columns)
        known.withLock { $0[table] = layout }
        return layout
    }

    static func build(_ table: String, columns: [String], primaryKey: [String]) throws -> RowUpsertLayout {
        let lowered = columns.map { $0.lowercased() }
        let keyIndexes = try primaryKey.map { key in
            guard let index = lowered.firstIndex(of: key.lowercased()) else {
                throw DatabaseError(resultCode: .SQLITE_MISUSE, message: "\(table): the record has no column for the key \(key)")
            }
            return index
        }
        let quoted = columns.map(\.quotedDatabaseIdentifier)
        let others = columns.indices.filter { !keyIndexes.contains($0) }.map { quoted[$0] }
        let onConflict = others.isEmpty
            ? "DO NOTHING"
            : "DO UPDATE SET " + others.map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
        let sql = """
            INSERT INTO \(table.quotedDatabaseIdentifier) (\(quoted.joined(separator: ", "))) \
            VALUES (\(Array(repeating: "?", count: columns.count).joined(separator: ", "))) \
            ON CONFLICT (\(keyIndexes.map { quoted[$0] }.joined(separator: ", "))) \(onConflict)
            """
        return RowUpsertLayout(columns: columns, keyIndexes: keyIndexes, sql: sql)
    }
}
