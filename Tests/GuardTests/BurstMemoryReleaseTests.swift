import Messages
import Testing
@testable import Guard

@Suite struct BurstMemoryReleaseTests {
    /// Plays `arrivals` (time ms, count) in time order against a check every 250 ms, as the guard's clock does, up
    /// to `until`; returns the times it said release.
    static func play(_ release: BurstMemoryRelease, arrivals: [(at: Int64, count: Int)], until: Int64) -> [Int64] {
        var release = release
        var pending = arrivals.sorted { $0.at < $1.at }[...]
        var said: [Int64] = []
        for now in stride(from: Int64(0), through: until, by: 250) {
            while let next = pending.first, next.at <= now {
                release.arrived(next.count, at: EpochMillis(next.at))
                pending = pending.dropFirst()
            }
            if release.shouldRelease(now: EpochMillis(now)) { said.append(now) }
        }
        return said
    }

    static let heartbeats = (1...20).map { (at: Int64($0) * 1_000 + 100, count: 1) }

    @Test func releasesOnceAfterABurstWhenOnlyHeartbeatsFollow() {
        let burst = (0..<10).map { (at: Int64($0) * 100, count: 50) }  // 500 messages in the first second
        let said = Self.play(
            BurstMemoryRelease(burst: 100, trickle: 2, windowMs: 1_000), arrivals: burst + Self.heartbeats, until: 20_000)
        #expect(said == [2_000], "once, at the end of the first quiet window")
    }

    @Test func aBurstStillGoingOnIsNotReleasedUnderIt() {
        let flood = (0..<40).map { (at: Int64($0) * 100, count: 50) }  // 4 s of 500/s
        let said = Self.play(
            BurstMemoryRelease(burst: 100, trickle: 2, windowMs: 1_000), arrivals: flood + Self.heartbeats, until: 10_000)
        #expect(said == [5_000])
    }

    @Test func aTrickleReleasesOnlyEachTimeABurstsWorthHasCome() {
        let trickle = (0..<60).map { (at: Int64($0) * 1_000 + 500, count: 5) }
        let said = Self.play(BurstMemoryRelease(burst: 100, trickle: 10, windowMs: 1_000), arrivals: trickle, until: 60_000)
        #expect(said == [20_000, 40_000, 60_000], "every 100 messages (20 s), never in between")
    }
}
