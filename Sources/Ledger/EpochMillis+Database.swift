import GRDB
import Messages

/// Instants are stored as they always were: an INTEGER column of epoch milliseconds. Conformed here, where the
/// database is, so that records, query arguments and column comparisons take `EpochMillis` directly.
extension EpochMillis: DatabaseValueConvertible, StatementColumnConvertible {
    public var databaseValue: DatabaseValue { rawValue.databaseValue }

    public static func fromDatabaseValue(_ dbValue: DatabaseValue) -> EpochMillis? {
        Int64.fromDatabaseValue(dbValue).map { EpochMillis($0) }
    }

    public init?(sqliteStatement: SQLiteStatement, index: CInt) {
        self.init(Int64(sqliteStatement: sqliteStatement, index: index))
    }
}
