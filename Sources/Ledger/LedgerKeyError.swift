/// The database's content was sealed with a key other than the configured one (or none is configured).
public struct LedgerKeyError: Error, CustomStringConvertible {
    public var code: String
    public var description: String

    static let missing = LedgerKeyError(
        code: "ledger.key_missing",
        description: "the database holds encrypted content but DATA_ENCRYPTION_KEY is not set; set the key it was written with")
    static let wrong = LedgerKeyError(
        code: "ledger.key_wrong",
        description: "DATA_ENCRYPTION_KEY is not the key this database was encrypted with; set the original key")

    public init(code: String, description: String) {
        self.code = code
        self.description = description
    }
}
