@testable import Executor
import Messages
import Testing

/// Which warm CLI a job may use: only its person's, started for exactly its launch, within the window, with
/// nothing it read at its start changed; the pool stays within its size.
@Suite struct WarmPoolBookTests {
    func launch(_ user: Int64, session: String = "s", model: String? = "m", budget: Double? = 2) -> WarmLaunch {
        WarmLaunch(userId: user, workspace: "w\(user)", resumeSessionId: session, model: model, maxTurns: nil,
                   maxBudgetUSD: budget, timeoutSeconds: 600)
    }

    @Test func aJobUsesItsPersonsWarmCLIOnlyForTheSameLaunchWithinTheWindow() {
        var book = WarmPoolBook(capacity: 2, windowMs: 60_000)
        #expect(book.add(id: "a", launch: launch(1), now: 0).isEmpty)
        #expect(book.claim(userId: 2, launch: launch(2), now: 10) { _ in nil } == .none(discard: []))
        #expect(book.claim(userId: 1, launch: launch(1), now: 59_000) { _ in nil } == .use(id: "a"))
        #expect(book.entries.isEmpty, "a warm CLI is used once")

        _ = book.add(id: "b", launch: launch(1), now: 0)
        #expect(book.claim(userId: 1, launch: launch(1), now: 60_001) { _ in nil } == .none(discard: [.init(id: "b", reason: "expired")]))
        _ = book.add(id: "c", launch: launch(1), now: 0)
        #expect(book.claim(userId: 1, launch: launch(1, model: "other"), now: 1) { _ in nil }
            == .none(discard: [.init(id: "c", reason: "the prompt starts differently (session, directory, model or limits)")]))
        _ = book.add(id: "d", launch: launch(1), now: 0)
        #expect(book.claim(userId: 1, launch: nil, now: 1) { _ in nil } != .use(id: "d"), "a new session never takes a warm CLI")
        _ = book.add(id: "e", launch: launch(1), now: 0)
        #expect(book.claim(userId: 1, launch: launch(1), now: 1) { _ in "settings changed" } == .none(discard: [.init(id: "e", reason: "settings changed")]))
    }

    @Test func thePoolKeepsOnePerPersonAndDropsTheOldestBeyondItsSize() {
        var book = WarmPoolBook(capacity: 2, windowMs: 60_000)
        _ = book.add(id: "a", launch: launch(1), now: 0)
        #expect(book.add(id: "a2", launch: launch(1, session: "t"), now: 1) == [.init(id: "a", reason: "replaced by a newer one")])
        _ = book.add(id: "b", launch: launch(2), now: 2)
        #expect(book.add(id: "c", launch: launch(3), now: 3) == [.init(id: "a2", reason: "the pool is full")])
        #expect(book.entries.map(\.id) == ["b", "c"])
        #expect(!book.wants(launch(2)) && book.wants(launch(4)))
        #expect(book.expire(now: 60_002).isEmpty)
        #expect(book.expire(now: 60_003).map(\.id) == ["b"])
        #expect(book.removeAll().map(\.id) == ["c"])
    }

    @Test func anEmptyPoolIsOff() {
        var book = WarmPoolBook(capacity: 0, windowMs: 60_000)
        #expect(!book.wants(launch(1)))
        #expect(book.add(id: "a", launch: launch(1), now: 0) == [.init(id: "a", reason: "the pool is off")])
    }
}
