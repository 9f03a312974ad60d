import Logging
import ProcessMemory
import ServiceLifecycle
import Testing

@Suite struct IdleMemoryReleaseTests {
    /// Turned off, the service must not end on its own: in a program's group that would stop the program. On or off,
    /// it ends at once when the group shuts down.
    @Test(.timeLimit(.minutes(1)), arguments: [false, true])
    func itLivesUntilItsGroupShutsDown(enabled: Bool) async throws {
        var configuration = IdleMemoryRelease.Configuration()
        configuration.enabled = enabled
        let logger = Logger(label: "test.idle-release")
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: [.init(service: IdleMemoryRelease(configuration: configuration, logger: logger),
                             successTerminationBehavior: .gracefullyShutdownGroup)],
            logger: logger))
        try await withThrowingTaskGroup(of: String.self) { tasks throws in
            tasks.addTask {
                try await group.run()
                return "group ended"
            }
            tasks.addTask {
                try await Task.sleep(for: .milliseconds(300))
                return "still running"
            }
            let first = try await tasks.next()
            #expect(first == "still running", "the service ended on its own")
            let asked = ContinuousClock.now
            await group.triggerGracefulShutdown()
            let second = try await tasks.next()
            #expect(second == "group ended")
            // Its one-second poll does not hold up the program's shutdown.
            #expect(ContinuousClock.now - asked < .milliseconds(500))
        }
    }
}
