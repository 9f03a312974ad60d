import ProcessMemory
import Testing

@Suite struct IdleReleaseTests {
    /// CPU time used in each second, one sample a second; returns the seconds at which a release was asked for.
    private func releases(cpuPerSecond: [Int64], configuration: IdleRelease.Configuration = .init()) -> [Int] {
        var trigger = IdleRelease(configuration: configuration)
        var cpu: Int64 = 0
        var asked: [Int] = []
        for (second, used) in cpuPerSecond.enumerated() {
            cpu += used
            if trigger.observe(cpuMs: cpu, at: Int64(second) * 1_000) { asked.append(second) }
        }
        return asked
    }

    private var shortWindows: IdleRelease.Configuration {
        var configuration = IdleRelease.Configuration()
        configuration.windowMs = 5_000
        return configuration
    }

    @Test func startUpIsReleasedOnceTheProcessHasBeenQuietForTheFirstWindow() {
        // 200 ms of start-up (by the first sample), then heartbeats (1 ms/s): the 3 s window after it is full at 3.
        #expect(releases(cpuPerSecond: [200, 1, 1, 1, 1, 1, 1, 1]) == [3])
        // 12 ms/s is not quiet.
        #expect(releases(cpuPerSecond: [200, 12, 12, 12, 12, 12, 12, 12]).isEmpty)
    }

    @Test func busyNeverReleases() {
        #expect(releases(cpuPerSecond: Array(repeating: 40, count: 20)).isEmpty)
    }

    @Test func laterReleasesWaitForTheLongWindowSoAConversationIsNotInterrupted() {
        // Start-up, then a message every 2 s (25 ms each over an idle 6 ms/s) for 40 s, then silence.
        var cpu: [Int64] = [200, 6, 6, 6]
        for second in 0..<40 { cpu.append(second % 2 == 0 ? 31 : 6) }
        cpu += Array(repeating: 6, count: 70)
        let asked = releases(cpuPerSecond: cpu)
        #expect(asked.first == 3)
        // Nothing while messages come (seconds 4–43); one release once the window is quiet again.
        #expect(asked.dropFirst().allSatisfy { $0 > 43 + 30 }, "released at \(asked)")
        #expect(asked.count == 2)
    }

    @Test func eachQuietSpellAfterWorkReleasesOnceAndOnlyAfterNewWork() {
        let cpu: [Int64] = [200, 1, 1, 1, 1, 1, 1, 1, 1, 80, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]
        // Start-up at 3; the burst at 9, quiet for the 5 s window from 9 to 14; then no new work, no release.
        #expect(releases(cpuPerSecond: cpu, configuration: shortWindows) == [3, 14])
    }

    @Test func aTrickleBelowTheActivityThresholdIsNotReleasedAfterUntilItAddsUp() {
        // 1 ms/s is quiet (under 1 %) but adds up: 20 ms of new work after 20 s, released then (window full).
        let cpu: [Int64] = [200, 1, 1, 1] + Array(repeating: 1, count: 40)
        #expect(releases(cpuPerSecond: cpu, configuration: shortWindows) == [3, 23, 43])
    }

    @Test func anIdleProcessWhoseTimersAddUpIsReleasedAtMostOnceAWindow() {
        // The guard idle: 6 ms/s, under 1 % but 20 ms of "activity" every 4 s.
        let asked = releases(cpuPerSecond: [200] + Array(repeating: 6, count: 200))
        #expect(asked == [3, 63, 123, 183])
    }
}
