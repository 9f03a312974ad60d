import Foundation
import Synchronization

/// One call of an async handler, driven by the connection thread that received the request: the thread is the
/// task's executor, so the handler (including what follows a `Task.sleep`) runs there and never waits for a slot
/// in Swift's cooperative pool, which is two threads on a two-core machine and busy under the full test suite.
/// Once the thread gives up on the call, jobs still to come (a cancelled handler unwinding) go to the global executor.
final class LoopbackHTTPAsyncCall: TaskExecutor {
    private struct State {
        var jobs: [UnownedJob] = []
        var response: LoopbackHTTPResponse?
        var retired = false
    }

    private let state = Mutex(State())
    /// Signalled once per queued job and once when the response is set.
    private let ready = DispatchSemaphore(value: 0)

    /// How long the thread sleeps between checks of `abandon`.
    static let checkInterval: DispatchTimeInterval = .milliseconds(50)
    /// How long a cancelled handler may take to unwind on the connection thread before it is left to the global pool.
    static let unwindGrace: Duration = .milliseconds(500)

    private init() {}

    /// Runs `handler` on the calling thread until it answers; nil when `abandon` (asked between jobs and at least
    /// every `checkInterval`) turned true first, in which case the handler's task is cancelled.
    static func respond(
        to request: LoopbackHTTPRequest,
        with handler: @escaping LoopbackHTTPServer.Handler,
        abandon: () -> Bool
    ) -> LoopbackHTTPResponse? {
        let call = LoopbackHTTPAsyncCall()
        defer { call.retire() }
        let task = Task(executorPreference: call) {
            call.finish(await handler(request))
        }
        while true {
            if let response = call.response { return response }
            call.runNextJob()
            if call.response == nil, abandon() {
                task.cancel()
                let deadline = ContinuousClock.now + unwindGrace
                while call.response == nil, ContinuousClock.now < deadline { call.runNextJob() }
                return nil
            }
        }
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let unowned = UnownedJob(job)
        let queued = state.withLock { state -> Bool in
            guard !state.retired else { return false }
            state.jobs.append(unowned)
            return true
        }
        if queued {
            ready.signal()
        } else {
            globalConcurrentExecutor.enqueue(ExecutorJob(unowned))
        }
    }

    private var response: LoopbackHTTPResponse? { state.withLock { $0.response } }

    private func finish(_ response: LoopbackHTTPResponse) {
        state.withLock { $0.response = response }
        ready.signal()
    }

    /// Waits up to `checkInterval` for a job (or the response); runs at most one job, on the calling thread.
    private func runNextJob() {
        guard ready.wait(timeout: .now() + Self.checkInterval) == .success else { return }
        let job = state.withLock { state in state.jobs.isEmpty ? nil : state.jobs.removeFirst() }
        job?.runSynchronously(on: asUnownedTaskExecutor())
    }

    /// The connection thread is done with this call: queued and later jobs go to the global executor.
    private func retire() {
        let leftovers = state.withLock { state -> [UnownedJob] in
            state.retired = true
            defer { state.jobs = [] }
            return state.jobs
        }
        for job in leftovers { globalConcurrentExecutor.enqueue(ExecutorJob(job)) }
    }
}
