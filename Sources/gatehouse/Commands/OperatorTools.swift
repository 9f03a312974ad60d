import ArgumentParser
import Foundation
import Guard
import Ledger
import Messages
import Settings

/// What the operator's tools share: the guard's database, opened next to a running guard (SQLite WAL lets both
/// write; the guard reads people and tokens from it on every update, so changes apply at once).
struct DatabaseOptions: ParsableArguments {
    @Option(help: "The guard's database (default: DATABASE_PATH, or ./data/gatehouse.sqlite).")
    var database: String?

    /// The guard's database file; refuses a path where there is none (a wrong path would otherwise create a new,
    /// empty database the guard never reads).
    func path() throws -> String {
        let path = database ?? EnvironmentReader().string("DATABASE_PATH", default: "./data/gatehouse.sqlite")
        guard FileManager.default.fileExists(atPath: path) else {
            throw ValidationError("""
                no guard database at \(path). Give the guard's DATABASE_PATH with --database PATH (or set \
                DATABASE_PATH); with Compose, run the command in the guard's container: \
                docker compose -f compose/compose.yaml exec guard gatehouse ...
                """)
        }
        return path
    }

    func open() throws -> SQLiteLedger {
        try SQLiteLedger(path: try path(), checkingKey: false)
    }
}

enum OperatorClock {
    static func now() -> EpochMillis { Date().epochMillis }

    static func format(_ time: EpochMillis) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: Date(epochMillis: time))
    }

    /// "30d", "12h", "90m", "3600s" (or a bare number of seconds).
    static func duration(_ text: String) -> Int64? {
        let units: [Character: Int64] = ["d": 86_400, "h": 3_600, "m": 60, "s": 1]
        guard let last = text.last else { return nil }
        let (number, unit) = units[last].map { (text.dropLast(), $0) } ?? (Substring(text), 1)
        guard let value = Int64(number), value > 0, value <= 3_650 * 86_400 / unit else { return nil }
        return value * unit * 1000
    }
}
