import Ledger
import Logging
import Messages
import ProcessMemory
import ServiceLifecycle
import Settings

/// The core's clock, about every 250 ms: time-driven decisions (timeouts, re-sends, schedules, dispatch), the
/// executor keys accepted or revoked meanwhile, memory handed back after a burst, and the health file.
struct GuardClock: Service, CustomStringConvertible {
    var description: String { "guard clock" }

    let core: GuardCore
    let outlet: GuardOutlet
    let links: GuardLinks
    let ledger: SQLiteLedger
    let memory: BurstWatch
    let clock: any WallClock
    let health: HealthSignal?

    func run() async {
        await Periodic.run(every: .milliseconds(250)) {
            outlet.send(await core.tick())
            links.syncKeysIfDue()
            if memory.shouldRelease(now: clock.now()) {
                ledger.shrinkCache()
                MemoryRelease.perform()
            }
            // The guard works while Telegram fails; the health file says replies are held.
            let telegram = await core.telegramProblem
            health?.set(ok: true, detail: telegram.map { "deciding; \($0)" } ?? "deciding")
        }
    }
}
