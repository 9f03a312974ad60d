import Synchronization

/// Asks a running `ClaudeRunner.run` to stop (its teardown: SIGINT, then SIGTERM, then SIGKILL, and the tree swept).
/// Safe from any thread.
public final class ClaudeCancellation: Sendable {
    private let flag = Atomic<Bool>(false)
    /// Told once, when this is cancelled: cancellations that follow this one (a warm CLI's own, once a job has claimed
    /// it) and the supervisors of runs waiting on it.
    private let listeners = Mutex<[@Sendable () -> Void]>([])

    public init() {}

    public func cancel() {
        // The flag changes under the lock, so a listener added meanwhile is called exactly once, by one side.
        let listeners = listeners.withLock { listeners in
            flag.exchange(true, ordering: .acquiringAndReleasing) ? [] : listeners
        }
        for listener in listeners { listener() }
    }

    /// `other` is cancelled when this one is (at once if it already is).
    func propagate(to other: ClaudeCancellation) {
        whenCancelled { other.cancel() }
    }

    /// Calls `action` once this is cancelled (at once if it already is), from the thread that cancels.
    func whenCancelled(_ action: @escaping @Sendable () -> Void) {
        let already = listeners.withLock { listeners in
            if isCancelled { return true }
            listeners.append(action)
            return false
        }
        if already { action() }
    }

    public var isCancelled: Bool {
        flag.load(ordering: .acquiring)
    }
}
