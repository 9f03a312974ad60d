import Foundation
import Testing

@testable import Guard

@Suite struct ExecutorPoolTests {
    @Test func anExecutorIsConfinedOnlyWhenItSaysLandlock() {
        var pool = ExecutorPool()
        pool.register(executorId: "a", peer: Data([1]), host: "h", capacity: 1, runningJobIds: [], confinement: "landlock 7", now: 0)
        pool.register(executorId: "b", peer: Data([2]), host: "h", capacity: 1, runningJobIds: [], confinement: "off", now: 0)
        pool.register(executorId: "c", peer: Data([3]), host: "h", capacity: 1, runningJobIds: [], now: 0)
        #expect(pool.members["a"]?.confined == true)
        #expect(pool.members["b"]?.confined == false && pool.members["b"]?.confinement == "off")
        #expect(pool.members["c"]?.confinement == "unknown" && pool.members["c"]?.confined == false)
    }

    @Test func jobsAnExecutorReportsRunningCountAsAccepted() {
        var pool = ExecutorPool()
        pool.register(executorId: "a", peer: Data([1]), host: "h", capacity: 2, runningJobIds: ["j1"], now: 0)
        #expect(pool.hasAccepted("j1") && !pool.hasAccepted("j2"))
    }

    @Test func anAcceptanceLastsUntilTheJobIsReleased() {
        var pool = ExecutorPool()
        pool.register(executorId: "a", peer: Data([1]), host: "h", capacity: 1, runningJobIds: [], now: 0)
        pool.assign(jobId: "j", to: "a", now: 1)
        let beforeAccepting = pool.hasAccepted("j")
        pool.accept(jobId: "j")
        let accepted = pool.hasAccepted("j")
        let slotsWhileRunning = pool.totalFreeSlots
        pool.release(jobId: "j")
        #expect(!beforeAccepting && accepted && slotsWhileRunning == 0)
        #expect(!pool.hasAccepted("j") && pool.totalFreeSlots == 1)
    }

    @Test func theExecutorIdleLongestGetsTheNextJob() {
        var pool = ExecutorPool()
        pool.register(executorId: "a", peer: Data([1]), host: "h", capacity: 2, runningJobIds: [], now: 0)
        pool.register(executorId: "b", peer: Data([2]), host: "h", capacity: 2, runningJobIds: [], now: 0)
        pool.assign(jobId: "j1", to: "a", now: 10)
        #expect(pool.pick()?.executorId == "b")
        #expect(pool.pick(preferred: "a")?.executorId == "a")
        pool.assign(jobId: "j2", to: "a", now: 20)
        #expect(pool.pick(preferred: "a", requirePreferred: true) == nil)
    }
}
