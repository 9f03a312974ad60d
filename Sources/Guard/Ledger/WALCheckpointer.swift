import Foundation
import GRDB

/// Copies the ledger's write-ahead log back into the database file from a connection of its own, off the path of
/// any decision. Left to SQLite, the commit that crosses 1,000 log pages does this itself and waits for its two
/// fsyncs: every fiftieth job or so, a prompt or a reply took 4 ms longer for no reason of its own. A passive
/// checkpoint waits for no reader or writer, so the guard keeps committing while this runs.
public final class WALCheckpointer: Sendable {
    private let database: DatabaseQueue

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

    /// Log frames, and how many of them are now in the database file.
    @discardableResult
    public func checkpoint() async throws -> (frames: Int, copied: Int) {
        let result = try await database.writeWithoutTransaction { db in try db.checkpoint(.passive) }
        return (result.walFrameCount, result.checkpointedFrameCount)
    }
}
