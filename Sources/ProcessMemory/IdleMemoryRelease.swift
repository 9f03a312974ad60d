#if canImport(Glibc)
import Glibc
#endif
import Logging
import ServiceLifecycle

/// A program's memory handed back once it goes quiet after work (`MemoryRelease`: its caches, the C heap's free
/// pages, the code pages its start-up or the last burst ran). Idle, each program then holds what its idle
/// loop uses rather than everything it ever ran. Costs one `getrusage` a second; a release is a few hundred
/// microseconds, and the first message after it faults back the code it runs (measured in the benchmarks).
public struct IdleMemoryRelease: Service, CustomStringConvertible {
    public var description: String { "idle memory release" }

    public struct Configuration: Sendable {
        public var enabled = true
        public var pollMs: Int64 = 1_000
        public var trigger = IdleRelease.Configuration()

        public init() {}
    }

    private let configuration: Configuration
    private let logger: Logger

    public init(configuration: Configuration = .init(), logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    public func run() async throws {
        // Off, it still lives as long as its program: a service that ends on its own ends the program's group.
        guard configuration.enabled else { return try await gracefulShutdown() }
        // Its sleep is cut short by the program's shutdown, which it must never hold up.
        do {
            try await cancelWhenGracefulShutdown { try await watch() }
        } catch is CancellationError {}
    }

    private func watch() async throws {
        var trigger = IdleRelease(configuration: configuration.trigger)
        let clock = ContinuousClock()
        let start = clock.now
        while true {
            try await Task.sleep(for: .milliseconds(configuration.pollMs))
            let elapsed = clock.now - start
            let nowMs = elapsed.components.seconds * 1_000 + elapsed.components.attoseconds / 1_000_000_000_000_000
            if trigger.observe(cpuMs: Self.processCPUMs(), at: nowMs) {
                MemoryRelease.perform()
                logger.debug("idle: memory handed back")
            }
        }
    }

    static func processCPUMs() -> Int64 {
        #if canImport(Glibc)
        var usage = rusage()
        guard getrusage(RUSAGE_SELF.rawValue, &usage) == 0 else { return 0 }
        let user = Int64(usage.ru_utime.tv_sec) * 1_000 + Int64(usage.ru_utime.tv_usec) / 1_000
        let system = Int64(usage.ru_stime.tv_sec) * 1_000 + Int64(usage.ru_stime.tv_usec) / 1_000
        return user + system
        #else
        return 0
        #endif
    }
}
