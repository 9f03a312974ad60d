import Synchronization

/// Tells waiting tasks that something they watch has changed, so they look again instead of polling. A waiter reads
/// `generation` before it looks, and then waits for a change since: a change in between is never missed.
final class ChangeSignal: Sendable {
    private struct State {
        var generation = 0
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
        var nextWaiter = 0
    }

    private let state = Mutex(State())

    init() {}

    /// How many changes there have been so far.
    var generation: Int { state.withLock { $0.generation } }

    /// A change: every waiter is woken.
    func signal() {
        let waiters = state.withLock { state in
            state.generation += 1
            defer { state.waiters.removeAll() }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Until a change after `generation`, at once if there was one already; ends early if the task is cancelled.
    func changed(since generation: Int) async {
        let id = state.withLock { state in
            defer { state.nextWaiter += 1 }
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let now = state.withLock { state in
                    if state.generation != generation || Task.isCancelled { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if now { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.resume()
        }
    }

    /// Until a change after `generation`, or until `deadline` (nil: none), whichever comes first.
    func changed(since generation: Int, orUntil deadline: ContinuousClock.Instant?) async {
        guard let deadline else { return await changed(since: generation) }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await Task.sleep(until: deadline, clock: .continuous) }
            group.addTask { await self.changed(since: generation) }
            await group.next()
            group.cancelAll()
        }
    }

    /// Until `isDone` holds (looked at again after every change), or until `deadline`; true if it holds.
    func wait(until deadline: ContinuousClock.Instant, for isDone: @Sendable () async -> Bool) async -> Bool {
        while true {
            let seen = generation
            if await isDone() { return true }
            guard ContinuousClock.now < deadline, !Task.isCancelled else { return false }
            await changed(since: seen, orUntil: deadline)
        }
    }
}
