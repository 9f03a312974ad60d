import Logging
import ServiceLifecycle
import Settings

/// The ledger's checkpointer as the guard's first piece: it stops last, after everything that writes.
struct CheckpointService: Service, CustomStringConvertible {
    var description: String { "ledger checkpointer" }

    let checkpointer: WALCheckpointer
    let logger: Logger

    func run() async {
        await Periodic.run(every: .seconds(1)) {
            do {
                try await checkpointer.checkpoint()
            } catch {
                logger.warning("ledger checkpoint failed; the next one tries again", metadata: ["error": "\(error)"])
            }
        }
    }
}
