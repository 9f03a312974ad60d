import Messages
import Testing

@testable import AccessControl

@Suite struct AnomalyDetectorTests {
    let t0: EpochMillis = 1_700_000_000_000

    @Test func violationBurstBlocksExactlyOnce() {
        var detector = AnomalyDetector()
        for second in 0..<5 {
            #expect(detector.record(.violation, userId: 1, now: t0 + Int64(second) * 1_000) == nil)
        }
        let verdict = detector.record(.violation, userId: 1, now: t0 + 5_000)
        #expect(verdict == .block(untilMs: t0 + 5_000 + 900_000, reason: "6 security violations within 60 s"))
        // Further violations while blocked produce no second verdict.
        for second in 6..<40 {
            #expect(detector.record(.violation, userId: 1, now: t0 + Int64(second) * 1_000) == nil)
        }
    }

    @Test func countsRestartAfterTheBlock() {
        var detector = AnomalyDetector()
        var verdicts = 0
        for index in 0..<6 where detector.record(.violation, userId: 1, now: t0 + Int64(index)) != nil { verdicts += 1 }
        #expect(verdicts == 1)
        let afterBlock = t0 + 5 + 900_000
        // The earlier violations do not count again: five more are fine, the sixth crosses anew.
        for index in 0..<5 {
            #expect(detector.record(.violation, userId: 1, now: afterBlock + Int64(index)) == nil)
        }
        #expect(detector.record(.violation, userId: 1, now: afterBlock + 5) != nil)
    }

    @Test func slidingWindowForgetsOldEvents() {
        var detector = AnomalyDetector()
        // Five violations, then the sixth exactly 60 s after the first: the first has left the window.
        for index in 0..<5 { _ = detector.record(.violation, userId: 1, now: t0 + Int64(index) * 10_000) }
        #expect(detector.record(.violation, userId: 1, now: t0 + 60_000) == nil)
        // One millisecond before the second leaves: six in the window.
        #expect(detector.record(.violation, userId: 1, now: t0 + 69_999) != nil)
    }

    @Test func steadyModerateUseNeverBlocks() {
        var detector = AnomalyDetector()
        for index in 0..<1_000 {
            #expect(detector.record(.request, userId: 9, now: t0 + Int64(index) * 2_000) == nil)  // 30 a minute
        }
    }

    @Test func requestVolumeBlocksWithItsOwnReason() {
        var detector = AnomalyDetector()
        for index in 0..<30 { #expect(detector.record(.request, userId: 3, now: t0 + Int64(index) * 100) == nil) }
        #expect(detector.record(.request, userId: 3, now: t0 + 3_000)
            == .block(untilMs: t0 + 3_000 + 900_000, reason: "31 requests within 60 s"))
    }

    @Test func kindsAndUsersAreCountedSeparately() {
        var detector = AnomalyDetector()
        for index in 0..<5 {
            let now = t0 + Int64(index)
            #expect(detector.record(.violation, userId: 1, now: now) == nil)
            #expect(detector.record(.violation, userId: 2, now: now) == nil)
            #expect(detector.record(.request, userId: 1, now: now) == nil)
        }
        #expect(detector.record(.violation, userId: 2, now: t0 + 10) != nil)
        #expect(detector.record(.request, userId: 1, now: t0 + 10) == nil)
        #expect(detector.record(.violation, userId: 1, now: t0 + 10) != nil)
    }

    @Test func customPolicyIsHonoured() {
        let policy = AnomalyPolicy(violationLimit: 1, violationWindowSeconds: 5, blockSeconds: 30)
        var detector = AnomalyDetector(policy: policy)
        #expect(detector.record(.violation, userId: 1, now: t0) == nil)
        #expect(detector.record(.violation, userId: 1, now: t0 + 4_999)
            == .block(untilMs: t0 + 4_999 + 30_000, reason: "2 security violations within 5 s"))
    }

    @Test func forgetClearsABlock() {
        var detector = AnomalyDetector(policy: AnomalyPolicy(violationLimit: 0))
        #expect(detector.record(.violation, userId: 1, now: t0) != nil)
        #expect(detector.record(.violation, userId: 1, now: t0 + 1) == nil)  // blocked: not counted
        detector.forget(userId: 1)
        #expect(detector.record(.violation, userId: 1, now: t0 + 2) != nil)
    }

    @Test func memoryIsBoundedAndTheLeastRecentlySeenIsEvicted() {
        var detector = AnomalyDetector(policy: AnomalyPolicy(violationLimit: 2, requestLimit: 10_000, maxTrackedUsers: 100))
        // User 0 collects two violations, then stays active while 500 other users arrive.
        _ = detector.record(.violation, userId: 0, now: t0)
        _ = detector.record(.violation, userId: 0, now: t0)
        for user in Int64(1)...500 {
            _ = detector.record(.violation, userId: user, now: t0 + 1)
            _ = detector.record(.request, userId: 0, now: t0 + 1)
            #expect(detector.trackedUserCount <= 100)
        }
        // A full table makes room for a tenth at once: between 90 and 100 are remembered.
        #expect((90...100).contains(detector.trackedUserCount))
        // User 0 was never evicted: its third violation crosses the threshold.
        #expect(detector.record(.violation, userId: 0, now: t0 + 2) != nil)
        // User 1 was evicted long ago: it starts from zero.
        _ = detector.record(.violation, userId: 1, now: t0 + 2)
        #expect(detector.record(.violation, userId: 1, now: t0 + 2) == nil)
    }

    @Test func idleUsersAreDroppedFirst() {
        var detector = AnomalyDetector(policy: AnomalyPolicy(maxTrackedUsers: 10))
        for user in Int64(0)..<10 { _ = detector.record(.request, userId: user, now: t0) }
        #expect(detector.trackedUserCount == 10)
        // Two minutes later every window is empty: a newcomer clears the idle ones instead of evicting one.
        _ = detector.record(.request, userId: 99, now: t0 + 120_000)
        #expect(detector.trackedUserCount == 1)
    }

    @Test func extremeTimesDoNotCrash() {
        var detector = AnomalyDetector(policy: AnomalyPolicy(violationLimit: 0, blockSeconds: .max))
        #expect(detector.record(.violation, userId: .min, now: .max) == .block(untilMs: .max, reason: "1 security violation within 60 s"))
        #expect(detector.record(.request, userId: .max, now: .min) == nil)
    }
}
