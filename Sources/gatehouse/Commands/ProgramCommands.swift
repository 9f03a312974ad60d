import ArgumentParser
import Egress
import Executor
import Foundation
import Guard
import Ingress
import Logging
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

/// `gatehouse guard`, `ingress`, `executor`, `egress`, `webhooks`: one command for the five programs. What differs
/// is said by each program's service (`ProgramService`, below); everything else (environment, logging, ZMQ
/// context, health, signals) is `ProgramRunner`'s, the same for all.
struct ProgramCommand<Program: ProgramService>: AsyncParsableCommand {
    static var configuration: CommandConfiguration { Program.command }
    @OptionGroup var endpoints: EndpointOptions

    func run() async throws {
        let name = Self.configuration.commandName ?? "\(Program.self)"
        try await ProgramRunner.run(name, endpoints.overrides, read: Program.read) { configuration, context, logger in
            Program(configuration: configuration, context: context, logger: logger)
        }
    }
}

/// What a program's command needs of its service: its name and abstract, how its configuration is read from the
/// environment, and to be made from that configuration.
protocol ProgramService: Service {
    associatedtype Configuration: ReportsHealth
    static var command: CommandConfiguration { get }
    /// Reads every setting the program uses (the runner then refuses whatever is set and unknown or invalid).
    static func read(_ environment: ProgramEnvironment) -> Configuration
    init(configuration: Configuration, context: ZMQContext, logger: Logger)
}

/// A program's configuration, as far as the runner sets it: where the program reports its health.
protocol ReportsHealth: Sendable {
    var health: HealthSignal? { get set }
}

extension GuardService: ProgramService {
    static let command = CommandConfiguration(
        commandName: "guard", abstract: "Run the guard: every decision, the ledger, dispatch.")
    static func read(_ environment: ProgramEnvironment) -> GuardConfiguration { environment.guardConfiguration() }
}

extension IngressService: ProgramService {
    static let command = CommandConfiguration(
        commandName: "ingress", abstract: "Run ingress: Telegram updates in, handed to the guard.")
    static func read(_ environment: ProgramEnvironment) -> IngressConfiguration { environment.ingressConfiguration() }
}

extension ExecutorService: ProgramService {
    static let command = CommandConfiguration(
        commandName: "executor", abstract: "Run an executor: Claude Code jobs in the approved directory.")
    static func read(_ environment: ProgramEnvironment) -> ExecutorConfiguration { environment.executorConfiguration() }
}

extension EgressService: ProgramService {
    static let command = CommandConfiguration(commandName: "egress", abstract: "Run egress: replies out to Telegram.")
    static func read(_ environment: ProgramEnvironment) -> EgressConfiguration { environment.egressConfiguration() }
}

extension WebhooksService: ProgramService {
    static let command = CommandConfiguration(
        commandName: "webhooks",
        abstract: "Run the webhook receiver: signed deliveries from GitHub and other senders, handed to the guard.")
    static func read(_ environment: ProgramEnvironment) -> WebhooksConfiguration { environment.webhooksConfiguration() }
}

extension GuardConfiguration: ReportsHealth {}
extension IngressConfiguration: ReportsHealth {}
extension ExecutorConfiguration: ReportsHealth {}
extension EgressConfiguration: ReportsHealth {}
extension WebhooksConfiguration: ReportsHealth {}
