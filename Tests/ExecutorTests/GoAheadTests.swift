import Messages
import Testing
@testable import Executor

/// The guard's go-ahead may arrive while the CLI is still being started, before anyone waits for it.
@Suite struct GoAheadTests {
    @Test func aGoThatArrivesBeforeTheWaitIsKept() async {
        let state = ExecutorState()
        #expect(await state.admit(jobId: "j", attempt: 2, cancellation: ClaudeCancellation()))
        await state.go(JobGo(jobId: "j", attempt: 2))
        #expect(await state.waitForGo(jobId: "j"))
        #expect(await state.pendingAcceptances.isEmpty)
    }

    @Test func aGoForAnotherAttemptDoesNotStartTheJob() async {
        let state = ExecutorState()
        #expect(await state.admit(jobId: "j", attempt: 2, cancellation: ClaudeCancellation()))
        await state.go(JobGo(jobId: "j", attempt: 1))
        #expect(await state.pendingAcceptances.map(\.attempt) == [2])
        let waiting = Task { await state.waitForGo(jobId: "j") }
        try? await Task.sleep(for: .milliseconds(50))
        #expect(await state.cancel(jobId: "j"))
        #expect(await waiting.value == false)
    }

    @Test func aJobCancelledBeforeItsGoNeverStarts() async {
        let state = ExecutorState()
        #expect(await state.admit(jobId: "j", attempt: 1, cancellation: ClaudeCancellation()))
        #expect(await state.cancel(jobId: "j"))
        await state.go(JobGo(jobId: "j", attempt: 1))
        #expect(await state.waitForGo(jobId: "j") == false)
    }

    @Test func aWaitingJobStartsWhenTheGoArrives() async {
        let state = ExecutorState()
        #expect(await state.admit(jobId: "j", attempt: 1, cancellation: ClaudeCancellation()))
        let waiting = Task { await state.waitForGo(jobId: "j") }
        try? await Task.sleep(for: .milliseconds(50))
        await state.go(JobGo(jobId: "j", attempt: 1))
        #expect(await waiting.value)
    }
}
