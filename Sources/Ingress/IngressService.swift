import Foundation
import HTTP
import Logging
import Messages
import PeerLink
import ServiceLifecycle
import Settings
import Telegram
import Transport

/// Ingress: long-polls Telegram, hands each update to the guard, and advances the offset only past updates the
/// guard acknowledged. It keeps no state of its own: Telegram keeps every unconfirmed update.
public struct IngressService: Service, CustomStringConvertible {
    public var description: String { "ingress" }

    private let configuration: IngressConfiguration
    private let context: ZMQContext
    private let logger: Logger

    public init(configuration: IngressConfiguration, context: ZMQContext, logger: Logger) {
        self.configuration = configuration
        self.context = context
        self.logger = logger
    }

    public func run() async throws {
        let http = HTTPClient(logger: logger)
        let api = TelegramBotAPI(
            baseURL: configuration.telegramBaseURL, token: configuration.botToken, http: http, logger: logger)
        let connection = try GuardConnection(
            context: context,
            configuration: .guardLink(configuration.guardEndpoint, peerId: configuration.ingressId, security: configuration.guardLinkSecurity,
                                         health: configuration.health),
            logger: logger, registration: { nil })
        let forwarder = IntakeForwarder(
            connection: connection, resendInterval: configuration.ackResendInterval, logger: logger)

        let link = TelegramLinkMonitor(health: configuration.health, logger: logger)
        let bot = try await checkToken(api, link: link)
        await registerCommands(api)
        let fetcher = AttachmentFetcher(
            api: api, transcriber: configuration.voice.map { VoiceTranscriber(configuration: $0, http: http) },
            limit: configuration.uploadMaxBytes, downloadTimeout: configuration.downloadTimeout, logger: logger)
        // Started in this order, stopped in the reverse: the poller finishes handing over its batch while the
        // acknowledgements still arrive and the link is still up.
        try await ProgramServiceGroup.run([
            GuardConnectionService(connection),
            ServicePiece.untilShutdown("acknowledgement reader") { await forwarder.readAcknowledgements() },
            TelegramPoller(
                configuration: configuration, api: api, forwarder: forwarder, bot: bot, fetcher: fetcher, link: link,
                logger: logger),
        ], logger: logger)
        await http.shutdown()
    }

    /// Waits until Telegram knows the bot. A refused token is said plainly (log and health file) and waited out
    /// like an unreachable Telegram: the program stays up, reports unhealthy, and works once the token does.
    private func checkToken(_ api: TelegramBotAPI, link: TelegramLinkMonitor) async throws -> BotIdentity {
        var delay: Duration = .milliseconds(500)
        while true {
            do {
                let me = try await api.getMe()
                try await api.deleteWebhook()
                link.succeeded()
                logger.info("connected to Telegram", metadata: ["bot.username": "\(me.username ?? "-")"])
                return BotIdentity(id: me.id, username: me.username)
            } catch {
                link.failed(error)
                if !link.reachability.tokenRefused {
                    logger.warning("cannot reach Telegram yet", metadata: ["error": "\(error)"])
                }
                try await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(30))
            }
        }
    }

    /// The command menu: everyone's, and the administrators' (in their private chats). A failure only costs the
    /// menu, so it is logged and ingress carries on.
    private func registerCommands(_ api: TelegramBotAPI) async {
        let everyone = BotCommands.offered(admin: false, tokenAuth: configuration.tokenAuthEnabled)
        do {
            try await api.setMyCommands(everyone.map(TelegramBotCommand.init))
        } catch {
            logger.warning("could not set the bot's command menu", metadata: ["error": "\(error)"])
        }
        let admin = BotCommands.offered(admin: true, tokenAuth: configuration.tokenAuthEnabled)
        for user in configuration.adminUsers.sorted() {
            do {
                try await api.setMyCommands(admin.map(TelegramBotCommand.init), scope: .chat(user))
            } catch {
                // Telegram knows no private chat with someone who never wrote to the bot ("chat not found").
                logger.notice("could not set the administrator command menu", metadata: ["user.id": "\(user)", "error": "\(error)"])
            }
        }
    }
}
