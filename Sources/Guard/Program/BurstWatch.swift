import Messages
import Synchronization

/// `BurstMemoryRelease` shared by the intake loop (which counts) and the clock (which asks).
final class BurstWatch: Sendable {
    private let state = Mutex(BurstMemoryRelease())

    func arrived(_ count: Int, at now: EpochMillis) { state.withLock { $0.arrived(count, at: now) } }

    func shouldRelease(now: EpochMillis) -> Bool { state.withLock { $0.shouldRelease(now: now) } }
}
