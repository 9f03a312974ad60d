/// Work started where no task group is at hand (a message handler, a callback, a line read from the CLI), run as a
/// child of the one task that calls `run()`: cancelling that task cancels the work, and `run()` returns only once
/// every piece has ended. The owner's shutdown (or end) therefore reaches everything started through it.
final class ChildTasks: Sendable {
    private let queue: AsyncStream<@Sendable () async -> Void>
    private let sink: AsyncStream<@Sendable () async -> Void>.Continuation

    init() {
        (queue, sink) = AsyncStream.makeStream(of: (@Sendable () async -> Void).self)
    }

    /// Runs `work` as a child of `run()`; false (and `work` is dropped) once `run()` has ended or `finish()` was called.
    @discardableResult
    func spawn(_ work: @escaping @Sendable () async -> Void) -> Bool {
        if case .terminated = sink.yield(work) { return false }
        return true
    }

    /// Nothing more will be spawned: `run()` returns once the work already handed to it has ended.
    func finish() {
        sink.finish()
    }

    /// Runs every piece of work spawned, until `finish()` or cancellation (which cancels the pieces still running).
    func run() async {
        await withDiscardingTaskGroup { group in
            for await work in queue {
                group.addTask { await work() }
            }
        }
        sink.finish()
    }
}
