import Messages
import Testing

@testable import AccessControl

@Suite struct LockoutTests {
    let policy = LockoutPolicy()  // 5 failures within 900 s lock for 1 800 s
    let t0: EpochMillis = 1_700_000_000_000

    @Test func defaultsAreTheDocumentedOnes() {
        #expect(policy.maxFailures == 5)
        #expect(policy.windowSeconds == 900)
        #expect(policy.lockSeconds == 1_800)
    }

    @Test func fourFailuresDoNotLockFiveDo() {
        let four = (0..<4).map { t0 + Int64($0) * 1_000 }
        #expect(policy.lockedUntil(failureTimes: four, now: t0 + 5_000) == nil)
        let five = four + [t0 + 4_000]
        #expect(policy.lockedUntil(failureTimes: five, now: t0 + 5_000) == t0 + 4_000 + 1_800_000)
    }

    @Test func windowEdgeIsExclusive() {
        // First and fifth failure exactly 900 s apart: not within the window.
        let spread = [t0, t0 + 100_000, t0 + 200_000, t0 + 300_000, t0 + 900_000]
        #expect(policy.lockedUntil(failureTimes: spread, now: t0 + 900_000) == nil)
        let tighter = [t0 + 1] + spread.dropFirst()
        #expect(policy.lockedUntil(failureTimes: tighter, now: t0 + 900_000) == t0 + 900_000 + 1_800_000)
    }

    @Test func lockExpiresExactlyAtItsEnd() {
        let five = (0..<5).map { t0 + Int64($0) }
        let end = t0 + 4 + 1_800_000
        #expect(policy.lockedUntil(failureTimes: five, now: end - 1) == end)
        #expect(policy.lockedUntil(failureTimes: five, now: end) == nil)
        #expect(policy.lockedUntil(failureTimes: five, now: end + 60_000) == nil)
    }

    @Test func orderOfInputDoesNotMatter() {
        let times = [t0 + 40, t0 + 10, t0 + 30, t0 + 0, t0 + 20]
        #expect(policy.lockedUntil(failureTimes: times, now: t0 + 50) == t0 + 40 + 1_800_000)
    }

    @Test func aLaterStrayFailureDoesNotShortenTheLock() {
        let burst = (0..<5).map { t0 + Int64($0) * 1_000 }
        let stray = t0 + 1_000_000  // recorded while locked, alone in its own window
        #expect(policy.lockedUntil(failureTimes: burst + [stray], now: stray) == t0 + 4_000 + 1_800_000)
    }

    @Test func continuedFailuresExtendTheLock() {
        let burst = (0..<5).map { t0 + Int64($0) * 1_000 }
        let more = (0..<5).map { t0 + 1_000_000 + Int64($0) * 1_000 }
        #expect(policy.lockedUntil(failureTimes: burst + more, now: t0 + 1_900_000) == t0 + 1_004_000 + 1_800_000)
    }

    @Test func slowFailuresNeverLock() {
        let slow = (0..<100).map { t0 + Int64($0) * 300_000 }  // one every 5 minutes: at most 3 per 15 minutes
        for now in [t0, t0 + 10_000_000, t0 + 30_000_000] {
            #expect(policy.lockedUntil(failureTimes: slow, now: now) == nil)
        }
    }

    @Test func customPolicyAndDegenerateValues() {
        let strict = LockoutPolicy(maxFailures: 2, windowSeconds: 10, lockSeconds: 60)
        #expect(strict.lockedUntil(failureTimes: [t0, t0 + 9_999], now: t0 + 10_000) == t0 + 9_999 + 60_000)
        #expect(strict.lockedUntil(failureTimes: [t0, t0 + 10_000], now: t0 + 10_000) == nil)
        let zero = LockoutPolicy(maxFailures: 0, windowSeconds: 0, lockSeconds: 0)
        #expect(zero.lockedUntil(failureTimes: [t0], now: t0) == t0 + 1_000)
        #expect(policy.lockedUntil(failureTimes: [], now: t0) == nil)
        let extreme = LockoutPolicy(maxFailures: 1, windowSeconds: .max, lockSeconds: .max)
        #expect(extreme.lockedUntil(failureTimes: [.min, .max], now: 0) == .max)
    }

    @Test func oldestRelevantFailureBoundsWhatMustBeRead() {
        let now = t0 + 10_000_000
        let cutoff = policy.oldestRelevantFailure(now: now)
        #expect(cutoff == now - 900_000 - 1_800_000)
        // The earliest run that still locks at `now` lies after the cutoff; dropping older failures changes nothing.
        let run = [cutoff + 2, cutoff + 200_000, cutoff + 400_000, cutoff + 600_000, cutoff + 900_001]
        let older = (0..<20).map { cutoff - Int64($0) * 10_000 }
        let all = older + run
        #expect(policy.lockedUntil(failureTimes: all, now: now) == now + 1)
        #expect(policy.lockedUntil(failureTimes: all, now: now)
            == policy.lockedUntil(failureTimes: all.filter { $0 >= cutoff }, now: now))
        #expect(LockoutPolicy(windowSeconds: .max, lockSeconds: .max).oldestRelevantFailure(now: -10) == .min)
    }
}
