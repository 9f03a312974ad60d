import Foundation
import HTTP
import Logging
import Messages
import PeerLink
import ServiceLifecycle
import Settings
import Telegram
import Transport

/// Egress: takes deliveries from the guard's outbox, sends them to Telegram, and reports what Telegram said.
/// It keeps nothing durable: an unconfirmed delivery is handed out again by the guard.
public struct EgressService: Service, CustomStringConvertible {
    public var description: String { "egress" }

    private let configuration: EgressConfiguration
    private let context: ZMQContext
    private let logger: Logger

    public init(configuration: EgressConfiguration, context: ZMQContext, logger: Logger) {
        self.configuration = configuration
        self.context = context
        self.logger = logger
    }

    public func run() async throws {
        let http = HTTPClient(logger: logger)
        let api = TelegramBotAPI(
            baseURL: configuration.telegramBaseURL, token: configuration.botToken, http: http, logger: logger)
        let sender = DeliverySender(
            api: api, pacer: Pacer(policy: .withJitterMargin), documentThreshold: configuration.documentThreshold,
            link: TelegramLinkMonitor(health: configuration.health, logger: logger), logger: logger)
        let ready = EgressReady(egressId: configuration.egressId, capacity: configuration.capacity)
        let connection = try GuardConnection(
            context: context,
            configuration: .guardLink(configuration.guardEndpoint, peerId: configuration.egressId, security: configuration.guardLinkSecurity,
                                         health: configuration.health),
            logger: logger, registration: { try? WireCodec.encode(ready) })

        // The connection starts first and so stops last: the deliveries in hand are reported over it.
        try await ProgramServiceGroup.run([
            GuardConnectionService(connection),
            DeliveryLoop(connection: connection, sender: sender, capacity: configuration.capacity, logger: logger),
        ], logger: logger)
        await http.shutdown()
    }
}
