import Synchronization

/// Lets the run's supervisor sleep between its looks at the process, and be woken early when something happened
/// that it should look at now (the CLI closed its output: it is exiting). Without it, every run's end waited up to a
/// whole poll interval before the result could go out.
final class ClaudeSupervisorWakeup: Sendable {
    private struct State {
        var requested = false
        var nap: Task<Void, Never>?
    }

    private let state = Mutex(State())

    /// Sleeps for `duration`, or less if `wake()` is called meanwhile (or was called since the last nap).
    func nap(for duration: Duration) async {
        let nap: Task<Void, Never>? = state.withLock { state in
            if state.requested {
                state.requested = false
                return nil
            }
            let nap = Task { _ = try? await Task.sleep(for: duration) }
            state.nap = nap
            return nap
        }
        await nap?.value
        state.withLock { $0.nap = nil }
    }

    /// Ends the current nap now, or the next one at once.
    func wake() {
        state.withLock { state in
            state.requested = true
            state.nap?.cancel()
        }
    }
}
