import Synchronization

/// Asks a running `ClaudeRunner.run` to stop (SIGINT, then SIGTERM, then SIGKILL of the tree). Safe from any thread.
public final class ClaudeCancellation: Sendable {
    private let flag = Atomic<Bool>(false)

    public init() {}

    public func cancel() {
        flag.store(true, ordering: .releasing)
    }

    public var isCancelled: Bool {
        flag.load(ordering: .acquiring)
    }
}
