import Messages
import Synchronization
import Testing
@testable import Executor

/// The pieces the executor's lifecycle is built from, on their own: replies awaited from the guard, the signal a
/// drain and a run's supervisor wait on, and the work run as children of one task.
@Suite struct AwaitedRepliesTests {
    actor Book {
        var replies = AwaitedReplies<String, Int>()
        func expect(_ key: String) { replies.expect(key, subject: "asked " + key) }
        func resolve(_ key: String, _ reply: Int) { replies.resolve(key, with: reply) }
        func reply(_ key: String) async -> Int {
            await withCheckedContinuation { replies.wait(key, $0, otherwise: -1) }
        }
        var unanswered: [String] { replies.unanswered.map(\.subject).sorted() }
    }

    @Test func aReplyBeforeItsWaiterIsKeptForIt() async {
        let book = Book()
        await book.expect("a")
        await book.resolve("a", 7)
        #expect(await book.unanswered.isEmpty)
        #expect(await book.reply("a") == 7)
        // Taken: a second wait finds nothing expected.
        #expect(await book.reply("a") == -1)
    }

    @Test func aWaiterGetsTheReplyWhenItComes() async {
        let book = Book()
        await book.expect("b")
        await book.expect("c")
        async let waited = book.reply("b")
        while await book.unanswered.count < 2 { await Task.yield() }
        await book.resolve("b", 3)
        #expect(await waited == 3)
        #expect(await book.unanswered == ["asked c"])
    }

    @Test func aReplyNobodyAskedForIsIgnored() async {
        let book = Book()
        await book.resolve("x", 1)
        #expect(await book.reply("x") == -1)
    }
}

@Suite struct ChangeSignalTests {
    @Test func aWaitEndsAtTheChangeThatMakesItTrueNotAtItsDeadline() async {
        let signal = ChangeSignal()
        let done = Atomic<Bool>(false)
        let started = ContinuousClock.now
        async let held = signal.wait(until: started + .seconds(30)) { done.load(ordering: .acquiring) }
        try? await Task.sleep(for: .milliseconds(50))
        signal.signal()  // a change that does not make it true: it keeps waiting
        try? await Task.sleep(for: .milliseconds(50))
        done.store(true, ordering: .releasing)
        signal.signal()
        #expect(await held)
        #expect(ContinuousClock.now - started < .seconds(10))
    }

    @Test func aWaitThatNeverHoldsEndsAtItsDeadline() async {
        let signal = ChangeSignal()
        let started = ContinuousClock.now
        let held = await signal.wait(until: started + .milliseconds(200)) { false }
        #expect(!held)
        #expect(ContinuousClock.now - started >= .milliseconds(200))
    }

    @Test func aChangeBetweenLookingAndWaitingIsNotMissed() async {
        let signal = ChangeSignal()
        let seen = signal.generation
        signal.signal()
        let started = ContinuousClock.now
        await signal.changed(since: seen, orUntil: started + .seconds(30))
        #expect(ContinuousClock.now - started < .seconds(10))
    }
}

@Suite struct ChildTasksTests {
    @Test func runEndsOnceFinishedWorkHasEnded() async {
        let work = ChildTasks()
        let ran = Atomic<Int>(0)
        for _ in 0..<3 { work.spawn { ran.add(1, ordering: .relaxed) } }
        work.finish()
        await work.run()
        let count = ran.load(ordering: .relaxed)
        #expect(count == 3)
        #expect(!work.spawn {}, "work spawned after the end is refused, not silently lost")
    }

    @Test func cancellingTheOwnerCancelsTheWork() async {
        let work = ChildTasks()
        let cancelled = Atomic<Bool>(false)
        let owner = Task { await work.run() }
        work.spawn {
            while (try? await Task.sleep(for: .seconds(60))) != nil {}
            cancelled.store(Task.isCancelled, ordering: .releasing)
        }
        try? await Task.sleep(for: .milliseconds(50))
        owner.cancel()
        await owner.value
        let wasCancelled = cancelled.load(ordering: .acquiring)
        #expect(wasCancelled)
    }
}

@Suite struct DrainWaitTests {
    @Test func aDrainWaitingForRunningJobsEndsWhenTheLastOneFinishes() async {
        let state = ExecutorState()
        _ = await state.admit(jobId: "j1", attempt: 1, cancellation: ClaudeCancellation())
        _ = await state.admit(jobId: "j2", attempt: 1, cancellation: ClaudeCancellation())
        let started = ContinuousClock.now
        async let drained = state.changes.wait(until: started + .seconds(30)) { await state.runningCount == 0 }
        await state.finish(JobResult(jobId: "j1", attempt: 1, outcome: .completed, finishedAt: 1))
        try? await Task.sleep(for: .milliseconds(50))
        await state.finish(JobResult(jobId: "j2", attempt: 1, outcome: .cancelled, finishedAt: 2))
        #expect(await drained)
        #expect(ContinuousClock.now - started < .seconds(10))
        // Then the wait for the guard's acknowledgements: it ends at the last one.
        async let acknowledged = state.changes.wait(until: ContinuousClock.now + .seconds(30)) { await state.activeJobIds.isEmpty }
        await state.acknowledge(jobId: "j1")
        await state.acknowledge(jobId: "j2")
        #expect(await acknowledged)
    }
}
