import Hummingbird
import Logging
import Messages
import NIOCore
import NIOPosix
import PeerLink
import ServiceLifecycle
import Settings
import Transport

/// The webhook receiver: the one program exposed to the internet. It holds only the webhook secrets, answers bad
/// requests itself (counted, and reported to the guard once a second), and hands authentic deliveries to the guard
/// over the intake link as its own peer, answering the sender only once the guard acknowledged.
public struct WebhooksService: Service, CustomStringConvertible {
    public var description: String { "webhooks" }

    private let configuration: WebhooksConfiguration
    private let context: ZMQContext
    private let logger: Logger

    public init(configuration: WebhooksConfiguration, context: ZMQContext, logger: Logger) {
        self.configuration = configuration
        self.context = context
        self.logger = logger
    }

    public func run() async throws {
        let connection = try GuardConnection(
            context: context,
            configuration: .guardLink(configuration.guardEndpoint, peerId: configuration.webhooksId,
                                      security: configuration.guardLinkSecurity, health: configuration.health),
            logger: logger, registration: { nil })
        let forwarder = WebhookForwarder(
            resendInterval: configuration.ackResendInterval, deadline: configuration.ackDeadline, logger: logger,
            send: { try await connection.send($0) })
        let tally = SharedRefusalTally()
        let reporter = RefusalReporter(
            tally: tally, interval: configuration.refusalReportInterval, logger: logger, send: { try await connection.send($0) })
        let receiver = WebhookReceiver(
            configuration: configuration, forwarder: forwarder, tally: tally,
            guardReachable: { connection.guardReachable }, logger: logger)
        let router = Router(context: WebhookRequestContext.self)
        receiver.addRoutes(to: router)
        let onListening = configuration.onListening
        let (host, port) = (configuration.host, configuration.port)
        let logger = logger
        // One thread for the sockets and HTTP parsing: a flood of requests cannot take more than that core from
        // the guard and the executors on the same host (the handlers' own work is small, see the benchmark).
        let eventLoops = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { eventLoops.shutdownGracefully { _ in } }
        let application = Application(
            router: router,
            server: .http1(configuration: .init(idleTimeout: TimeAmount(configuration.idleTimeout))),
            configuration: .init(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in
                let bound = channel.localAddress?.port ?? port
                logger.info("webhook receiver listening", metadata: ["http.host": "\(host)", "http.port": "\(bound)"])
                onListening?(bound)
            },
            eventLoopGroupProvider: .shared(eventLoops),
            logger: logger)

        // Stopped in the reverse order: the server first (after answering the requests in flight), then the
        // last refusal counts go out while acknowledgements are still read and the link is still up.
        try await ProgramServiceGroup.run([
            GuardConnectionService(connection),
            ServicePiece.untilShutdown("acknowledgement reader") {
                await forwarder.readAcknowledgements(from: connection.messages) { reporter.acknowledged(reportId: $0) }
            },
            reporter,
            application,
        ], logger: logger)
    }
}
