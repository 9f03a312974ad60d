import ArgumentParser
import Foundation
import Logging
import ProcessMemory
import ServiceLifecycle
import Settings
import Transport

/// Starts one program: reads and checks its environment, sets up logging and the ZMQ context, and runs its service
/// beside the health beacon in a service group that drains on SIGTERM/SIGINT (the program's own pieces are a group
/// inside it, stopped in reverse order).
enum ProgramRunner {
    static func run<Configuration: ReportsHealth>(
        _ program: String, _ overrides: ProgramEnvironment.EndpointOverrides,
        read: (ProgramEnvironment) -> Configuration,
        service: (Configuration, ZMQContext, Logger) throws -> any Service
    ) async throws {
        let environment = ProgramEnvironment(overrides: overrides)
        LogSetup.bootstrap(reader: environment.reader)
        var logger = Logger(label: "gatehouse.\(program)")
        logger[metadataKey: "program"] = "\(program)"
        let context = try ZMQContext()
        var configuration = read(environment)
        configuration.health = ProgramHealth.signal
        let release = environment.idleMemoryRelease()
        do {
            try environment.reader.finish()
        } catch {
            FileHandle.standardError.write(Data("gatehouse \(program): \(error)\n".utf8))
            throw ExitCode(2)
        }
        let service = try service(configuration, context, logger)
        let beacon = HealthBeacon(signal: ProgramHealth.signal, path: HealthFile.defaultPath(program: program), logger: logger)
        var group = ServiceGroupConfiguration(
            services: [.init(service: service, successTerminationBehavior: .gracefullyShutdownGroup,
                             failureTerminationBehavior: .gracefullyShutdownGroup),
                       .init(service: beacon)] + (release.enabled ? [.init(service: IdleMemoryRelease(configuration: release, logger: logger))] : []),
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        group.maximumGracefulShutdownDuration = .seconds(30)
        group.maximumCancellationDuration = .seconds(5)
        logger.info("starting")
        do {
            try await ServiceGroup(configuration: group).run()
        } catch {
            logger.critical("stopped on an error", metadata: ["error": "\(error)"])
            await context.terminate()
            throw ExitCode(1)
        }
        await context.terminate()
        logger.info("stopped")
    }
}
