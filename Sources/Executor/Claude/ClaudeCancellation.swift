import Synchronization

/// Asks a running `ClaudeRunner.run` to stop (SIGINT, then SIGTERM, then SIGKILL of the tree). Safe from any thread.
public final class ClaudeCancellation: Sendable {
    private let flag = Atomic<Bool>(false)
    /// Cancelled along with this one (a warm CLI's own, once a job has claimed it).
    private let followers = Mutex<[ClaudeCancellation]>([])

    public init() {}

    public func cancel() {
        flag.store(true, ordering: .releasing)
        for follower in followers.withLock({ $0 }) { follower.cancel() }
    }

    /// `other` is cancelled when this one is (at once if it already is).
    func propagate(to other: ClaudeCancellation) {
        followers.withLock { $0.append(other) }
        if isCancelled { other.cancel() }
    }

    public var isCancelled: Bool {
        flag.load(ordering: .acquiring)
    }
}
