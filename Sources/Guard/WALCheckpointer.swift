import Foundation
import GRDB
import Synchronization

/// Copies the ledger's write-ahead log back into the database file from a connection of its own, off the path of
/// any decision. Left to SQLite, the commit that crosses 1,000 log pages does this itself and waits for its two
/// fsyncs: every fiftieth job or so, a prompt or a reply took 4 ms longer for no reason of its own. A passive
/// checkpoint waits for no reader or writer, so the guard keeps committing while this runs.
///
/// Once every frame is copied, the next write starts the log over and syncs its new header first: measured on the
/// first commit after each checkpoint, 0.3–0.4 ms on an idle disk and 5–14 ms on a busy one, in the middle of the
/// person's first sign of life. So the checkpointer starts the log over itself, with a write of its own (the
/// database's unused `user_version`, rewritten unchanged), and skips checkpointing while nobody else has committed,
/// so that its own frame is not what hands the next restart back to the guard.
public final class WALCheckpointer: Sendable {
    private let database: DatabaseQueue
    /// `PRAGMA data_version` right after this checkpointer restarted the log: unchanged means nobody committed since.
    private let versionAfterRestart = Mutex<Int?>(nil)

    public init(path: String) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        database = try DatabaseQueue(path: path, configuration: configuration)
    }

    /// Checkpoints every `interval` until the task is cancelled; a failure is reported and the next one tries again.
    public func run(every interval: Duration, onFailure: (any Error) -> Void) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            do {
                try await checkpoint()
            } catch {
                onFailure(error)
            }
        }
    }

    /// Log frames, and how many of them are now in the database file; (0, 0) when nothing was committed since this
    /// checkpointer last started the log over.
    @discardableResult
    public func checkpoint() async throws -> (frames: Int, copied: Int) {
        try await database.writeWithoutTransaction { db in
            let version = try Int.fetchOne(db, sql: "PRAGMA data_version")
            if let version, versionAfterRestart.withLock({ $0 == version }) { return (0, 0) }
            let result = try db.checkpoint(.passive)
            if result.walFrameCount > 0, result.checkpointedFrameCount == result.walFrameCount {
                let userVersion = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
                try db.execute(sql: "PRAGMA user_version = \(userVersion)")
                let after = try Int.fetchOne(db, sql: "PRAGMA data_version")
                versionAfterRestart.withLock { $0 = after }
            }
            return (result.walFrameCount, result.checkpointedFrameCount)
        }
    }
}
