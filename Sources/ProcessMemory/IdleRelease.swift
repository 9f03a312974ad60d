/// When a process has gone quiet after doing something: the moment to hand back what the work left resident
/// (the C heap's free pages, code pages run once). Pure: fed the process's CPU time, asked whether to release.
///
/// Quiet means the CPU used over a whole window stayed under `quietCPUPermille` of it (idle, the guard's timers and
/// heartbeats cost about 0.6 %, the other programs 0.1–0.2 %; a conversation more). Worth releasing means at
/// least `activityCPUMs` were used since the last release. The first release follows start-up after a short
/// window (start-up runs the most code once); later ones only after a long quiet spell, so a conversation never
/// pays for faulting its code back in between two messages. One release per quiet spell: released, it waits for
/// new activity.
public struct IdleRelease: Sendable {
    public struct Configuration: Sendable {
        /// The quiet window before the first release, after start-up.
        public var startUpWindowMs: Int64 = 3_000
        /// The quiet window before each later release.
        public var windowMs: Int64 = 60_000
        /// CPU time per window (in thousandths of it) that still counts as quiet.
        public var quietCPUPermille: Int64 = 10
        public var activityCPUMs: Int64 = 20

        public init() {}
    }

    public var configuration: Configuration
    /// (time, CPU time) samples within the window, oldest first.
    private var samples: [(elapsedMs: Int64, cpuMs: Int64)] = []
    private var cpuAtRelease: Int64 = 0
    private var released = false

    public init(configuration: Configuration = .init()) {
        self.configuration = configuration
    }

    private var windowMs: Int64 { released ? configuration.windowMs : configuration.startUpWindowMs }

    /// Records the process's total CPU time at `elapsedMs` since the watch began (both in ms, on a monotonic clock,
    /// not wall-clock time); true when it should release now.
    public mutating func observe(cpuMs: Int64, at elapsedMs: Int64) -> Bool {
        samples.append((elapsedMs, cpuMs))
        // Keep the newest sample at or before the window's start, so the window is always covered in full.
        while samples.count > 1, elapsedMs - samples[1].elapsedMs >= windowMs { samples.removeFirst() }
        guard let oldest = samples.first, elapsedMs - oldest.elapsedMs >= windowMs else { return false }
        let quiet = (cpuMs - oldest.cpuMs) * 1_000 < windowMs * configuration.quietCPUPermille
        guard quiet, cpuMs - cpuAtRelease >= configuration.activityCPUMs else { return false }
        cpuAtRelease = cpuMs
        released = true
        // The next quiet spell is counted from now: at most one release a window, even for a process whose
        // idle timers add up to the activity threshold.
        samples = [(elapsedMs, cpuMs)]
        return true
    }
}
