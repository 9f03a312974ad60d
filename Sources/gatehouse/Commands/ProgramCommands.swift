import ArgumentParser
import Egress
import Executor
import Foundation
import Guard
import Ingress
import Logging
import ProcessMemory
import ServiceLifecycle
import Settings
import Transport
import Webhooks

/// Endpoint flags shared by the four programs; they override the GATEHOUSE_*_ENDPOINT variables.
struct EndpointOptions: ParsableArguments {
    @Option(help: "The guard's intake endpoint (ingress connects here).")
    var intake: String?
    @Option(help: "The guard's work endpoint (executors connect here).")
    var work: String?
    @Option(help: "The guard's delivery endpoint (egress connects here).")
    var delivery: String?

    var overrides: ProgramEnvironment.EndpointOverrides {
        .init(intake: intake, work: work, delivery: delivery)
    }
}

struct GuardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "guard", abstract: "Run the guard: every decision, the ledger, dispatch.")
    @OptionGroup var endpoints: EndpointOptions

    func run() async throws {
        try await ProgramRunner.run("guard", endpoints.overrides) { environment, context, logger in
            var configuration = environment.guardConfiguration()
            configuration.health = ProgramHealth.signal
            return {
                try ProgramRunner.prepareIPC(configuration.endpoints)
                return GuardService(configuration: configuration, context: context, logger: logger)
            }
        }
    }
}

struct IngressCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingress", abstract: "Run ingress: Telegram updates in, handed to the guard.")
    @OptionGroup var endpoints: EndpointOptions

    func run() async throws {
        try await ProgramRunner.run("ingress", endpoints.overrides) { environment, context, logger in
            var configuration = environment.ingressConfiguration()
            configuration.health = ProgramHealth.signal
            return { IngressService(configuration: configuration, context: context, logger: logger) }
        }
    }
}

struct ExecutorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "executor", abstract: "Run an executor: Claude Code jobs in the approved directory.")
    @OptionGroup var endpoints: EndpointOptions

    func run() async throws {
        try await ProgramRunner.run("executor", endpoints.overrides) { environment, context, logger in
            var configuration = environment.executorConfiguration()
            configuration.health = ProgramHealth.signal
            return { ExecutorService(configuration: configuration, context: context, logger: logger) }
        }
    }
}

struct EgressCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "egress", abstract: "Run egress: replies out to Telegram.")
    @OptionGroup var endpoints: EndpointOptions

    func run() async throws {
        try await ProgramRunner.run("egress", endpoints.overrides) { environment, context, logger in
            var configuration = environment.egressConfiguration()
            configuration.health = ProgramHealth.signal
            return { EgressService(configuration: configuration, context: context, logger: logger) }
        }
    }
}

struct WebhooksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "webhooks",
        abstract: "Run the webhook receiver: signed deliveries from GitHub and other senders, handed to the guard.")
    @OptionGroup var endpoints: EndpointOptions

    func run() async throws {
        try await ProgramRunner.run("webhooks", endpoints.overrides) { environment, context, logger in
            var configuration = environment.webhooksConfiguration()
            configuration.health = ProgramHealth.signal
            return { WebhooksService(configuration: configuration, context: context, logger: logger) }
        }
    }
}

/// Starts one program as a service group that drains on SIGTERM/SIGINT.
enum ProgramRunner {
    typealias Build = (ProgramEnvironment, ZMQContext, Logger) throws -> () throws -> any Service

    static func run(_ program: String, _ overrides: ProgramEnvironment.EndpointOverrides, build: Build) async throws {
        let environment = ProgramEnvironment(overrides: overrides)
        LogSetup.bootstrap(reader: environment.reader)
        var logger = Logger(label: "gatehouse.\(program)")
        logger[metadataKey: "program"] = "\(program)"
        let context = try ZMQContext()
        let makeService = try build(environment, context, logger)
        var release = IdleMemoryRelease.Configuration()
        release.enabled = environment.reader.bool("IDLE_MEMORY_RELEASE", default: true)
        release.trigger.windowMs = Int64(environment.reader.int("IDLE_MEMORY_RELEASE_AFTER_SECONDS", default: 60, in: 3...86_400)) * 1_000
        do {
            try environment.reader.finish()
        } catch {
            FileHandle.standardError.write(Data("gatehouse \(program): \(error)\n".utf8))
            throw ExitCode(2)
        }
        let service = try makeService()
        let beacon = HealthBeacon(signal: ProgramHealth.signal, path: HealthFile.defaultPath(program: program), logger: logger)
        var configuration = ServiceGroupConfiguration(
            services: [.init(service: service, successTerminationBehavior: .gracefullyShutdownGroup,
                             failureTerminationBehavior: .gracefullyShutdownGroup),
                       .init(service: beacon), .init(service: IdleMemoryRelease(configuration: release, logger: logger))],
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        configuration.maximumGracefulShutdownDuration = .seconds(30)
        configuration.maximumCancellationDuration = .seconds(5)
        logger.info("starting")
        do {
            try await ServiceGroup(configuration: configuration).run()
        } catch {
            logger.critical("stopped on an error", metadata: ["error": "\(error)"])
            await context.terminate()
            throw ExitCode(1)
        }
        await context.terminate()
        logger.info("stopped")
    }

    /// `ipc://` endpoints live in a directory only this user may enter.
    static func prepareIPC(_ endpoints: GuardConfiguration.Endpoints) throws {
        for endpoint in [endpoints.intake, endpoints.work, endpoints.delivery] where endpoint.hasPrefix("ipc://") {
            let path = String(endpoint.dropFirst("ipc://".count))
            let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
    }
}
