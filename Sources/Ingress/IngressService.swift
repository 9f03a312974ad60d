import Foundation
import HTTP
import Logging
import Messages
import PeerLink
import ServiceLifecycle
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

        try await checkToken(api)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await connection.run() }
            group.addTask { await forwarder.readAcknowledgements() }
            group.addTask {
                try await pollLoop(api: api, forwarder: forwarder)
            }
            // The poll loop ends on graceful shutdown; then stop the rest.
            try await group.next()
            group.cancelAll()
        }
        await http.shutdown()
    }

    private func checkToken(_ api: TelegramBotAPI) async throws {
        var delay: Duration = .milliseconds(500)
        while true {
            do {
                let me = try await api.getMe()
                try await api.deleteWebhook()
                logger.info("connected to Telegram", metadata: ["bot.username": "\(me.username ?? "-")"])
                return
            } catch let error where error.code == .unauthorized {
                logger.critical("Telegram rejected TELEGRAM_BOT_TOKEN (401); check the token")
                throw error
            } catch {
                logger.warning("cannot reach Telegram yet", metadata: ["error": "\(error)"])
                try await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(30))
            }
        }
    }

    private func pollLoop(api: TelegramBotAPI, forwarder: IntakeForwarder) async throws {
        var offset: Int64?
        var failures = 0
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let updates: [TelegramUpdate]
            do {
                let polling = configuration.polling
                let confirmed = offset
                updates = try await cancelWhenGracefulShutdown {
                    try await api.getUpdates(
                        offset: confirmed, limit: polling.limit, timeoutSeconds: polling.timeoutSeconds,
                        allowedUpdates: polling.allowedUpdates)
                }
                failures = 0
            } catch is CancellationError {
                break
            } catch let error as TelegramError {
                if Task.isShuttingDownGracefully || Task.isCancelled { break }
                failures += 1
                let wait = error.retryAfterSeconds.map { Duration.seconds($0) }
                    ?? .milliseconds(min(30_000, 250 * (1 << min(failures, 7))))
                if error.code == .conflict {
                    logger.error("another poller or a webhook uses this bot token; only one ingress may poll", metadata: ["error": "\(error)"])
                } else {
                    logger.warning("getUpdates failed; retrying", metadata: ["error": "\(error)", "wait": "\(wait)"])
                }
                try? await Task.sleep(for: wait)
                continue
            }
            guard !updates.isEmpty else { continue }
            let now = Date().epochMillis
            let inbound = updates.map { UpdateTranslator.translate($0, receivedAt: now) }
            // Finish handing over this batch even while shutting down: Telegram would re-send it anyway, but
            // this way nothing waits for a restart.
            try await forwarder.forward(inbound)
            offset = (updates.map(\.update_id).max() ?? 0) + 1
            logger.debug("batch acknowledged by the guard", metadata: ["count": "\(updates.count)", "offset": "\(offset ?? 0)"])
        }
        if let offset {
            // Confirm the last acknowledged batch now rather than on the next start (updates past it stay queued).
            _ = try? await api.getUpdates(offset: offset, limit: 1, timeoutSeconds: 0, allowedUpdates: configuration.polling.allowedUpdates)
        }
        logger.info("ingress stopped polling")
    }
}
