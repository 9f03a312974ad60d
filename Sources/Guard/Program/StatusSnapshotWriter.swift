import Ledger
import Logging
import ServiceLifecycle
import Settings

/// Who is connected, for `gatehouse status`: written every 2 s, apart from the decision loop.
struct StatusSnapshotWriter: Service, CustomStringConvertible {
    var description: String { "status snapshot writer" }

    let core: GuardCore
    let store: SQLiteStatusStore
    let identities: ExecutorIdentities
    let logger: Logger

    func run() async {
        await write()
        await Periodic.run(every: .seconds(2)) { await write() }
    }

    private func write() async {
        do {
            try store.write(await core.statusSnapshot(keys: identities.fingerprints()))
        } catch {
            logger.debug("could not write the status snapshot", metadata: ["error": "\(error)"])
        }
    }
}
