import Messages
import Testing

@testable import Guard

@Suite struct RefusalThrottleTests {
    let t0: EpochMillis = 1_700_000_000_000
    let interval: Int64 = 600_000

    /// Whether a refusal to `user` at `t0 + offset` is answered.
    private func answers(_ throttle: inout RefusalThrottle, _ user: Int64, at offset: Int64) -> Bool {
        throttle.shouldAnswer(user, now: t0 + offset, intervalMs: interval)
    }

    @Test func eachPersonIsAnsweredOncePerInterval() {
        var throttle = RefusalThrottle()
        let first = answers(&throttle, 7, at: 0)
        let again = answers(&throttle, 7, at: interval - 1)
        let someoneElse = answers(&throttle, 8, at: 1)
        let afterTheInterval = answers(&throttle, 7, at: interval)
        #expect(first && !again && someoneElse && afterTheInterval)
    }

    @Test func eachReasonIsAnsweredOncePerPersonAndInterval() {
        var throttle = RefusalThrottle()
        let slowDown = throttle.shouldAnswer(7, reason: "limit.rate", now: t0, intervalMs: 60_000)
        let slowDownAgain = throttle.shouldAnswer(7, reason: "limit.rate", now: t0 + 59_999, intervalMs: 60_000)
        let blocked = throttle.shouldAnswer(7, reason: "temporarily blocked", now: t0 + 1, intervalMs: interval)
        let blockedAgain = throttle.shouldAnswer(7, reason: "temporarily blocked", now: t0 + 2, intervalMs: interval)
        let slowDownLater = throttle.shouldAnswer(7, reason: "limit.rate", now: t0 + 60_000, intervalMs: 60_000)
        #expect(slowDown && !slowDownAgain && blocked && !blockedAgain && slowDownLater)
    }

    @Test func expiredEntriesMakeRoomBeforeAnyoneRecentIsForgotten() {
        var throttle = RefusalThrottle(capacity: 10)
        for user in Int64(0)..<5 { _ = answers(&throttle, user, at: 0) }
        for user in Int64(5)..<10 { _ = answers(&throttle, user, at: interval) }
        // Full: the newcomer clears the five whose interval is over, and nobody told recently is forgotten.
        let newcomer = answers(&throttle, 99, at: interval + 1)
        #expect(newcomer)
        #expect(throttle.count == 6)
        let recentAnsweredAgain = (Int64(5)..<10).filter { answers(&throttle, $0, at: interval + 2) }
        #expect(recentAnsweredAgain.isEmpty)
    }

    @Test func aFloodOfStrangersStaysBoundedAndForgetsTheOldestFirst() {
        var throttle = RefusalThrottle(capacity: 1_000)
        var largest = 0
        for user in Int64(0)..<5_000 {
            let answered = answers(&throttle, user, at: user)
            #expect(answered)
            largest = max(largest, throttle.count)
        }
        #expect(largest == 1_000)
        // A full table makes room for a tenth at once: the newest 900 or more are still remembered, the oldest not.
        #expect(throttle.count >= 900)
        let newest = answers(&throttle, 4_999, at: 5_000)
        let newer = answers(&throttle, 4_100, at: 5_000)
        let oldest = answers(&throttle, 0, at: 5_000)
        #expect(!newest && !newer && oldest)
    }
}
