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

        let link = TelegramLinkMonitor(health: configuration.health, logger: logger)
        let bot = try await checkToken(api, link: link)
        await registerCommands(api)
        let fetcher = AttachmentFetcher(
            api: api, transcriber: configuration.voice.map { VoiceTranscriber(configuration: $0, http: http) },
            limit: configuration.uploadMaxBytes, downloadTimeout: configuration.downloadTimeout, logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await connection.run() }
            group.addTask { await forwarder.readAcknowledgements() }
            group.addTask {
                try await pollLoop(api: api, forwarder: forwarder, bot: bot, fetcher: fetcher, link: link)
            }
            // The poll loop ends on graceful shutdown; then stop the rest.
            try await group.next()
            group.cancelAll()
        }
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

    private func pollLoop(
        api: TelegramBotAPI, forwarder: IntakeForwarder, bot: BotIdentity, fetcher: AttachmentFetcher,
        link: TelegramLinkMonitor
    ) async throws {
        var offset: Int64?
        var failures = 0
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let batch: TelegramUpdateBatch
            do {
                let polling = configuration.polling
                let confirmed = offset
                batch = try await cancelWhenGracefulShutdown {
                    try await api.getUpdates(
                        offset: confirmed, limit: polling.limit, timeoutSeconds: polling.timeoutSeconds,
                        allowedUpdates: polling.allowedUpdates)
                }
                failures = 0
                link.succeeded()
            } catch is CancellationError {
                break
            } catch let error as TelegramError {
                if Task.isShuttingDownGracefully || Task.isCancelled { break }
                failures += 1
                link.failed(error)
                let wait = error.retryAfterSeconds.map { Duration.seconds($0) } ?? backoff(failures)
                if error.code == .conflict {
                    logger.error("another poller or a webhook uses this bot token; only one ingress may poll", metadata: ["error": "\(error)"])
                } else if !link.reachability.tokenRefused {
                    logger.warning("getUpdates failed; retrying", metadata: ["error": "\(error)", "wait": "\(wait)"])
                }
                try? await Task.sleep(for: wait)
                continue
            }
            guard batch.count > 0 else { continue }
            for skipped in batch.skipped {
                logger.error("skipped an update that cannot be decoded", metadata: [
                    "update.id": "\(skipped.updateId.map(String.init) ?? "unreadable")", "batch.index": "\(skipped.index)",
                    "reason": "\(skipped.reason)",
                ])
            }
            // Finish handing over this batch even while shutting down: Telegram would re-send it anyway, but
            // this way nothing waits for a restart.
            try await forward(batch.updates, to: forwarder, bot: bot, fetcher: fetcher)
            guard let next = batch.offset(confirming: offset) else {
                // Nothing in the batch says how far to confirm: ask again later rather than guess and lose updates.
                failures += 1
                logger.error("no update id in the batch can be read; polling again", metadata: ["count": "\(batch.count)"])
                try? await Task.sleep(for: backoff(failures))
                continue
            }
            offset = next
            logger.debug("batch acknowledged by the guard", metadata: ["count": "\(batch.count)", "offset": "\(next)"])
        }
        if let offset {
            // Confirm the last acknowledged batch now rather than on the next start (updates past it stay queued).
            _ = try? await api.getUpdates(offset: offset, limit: 1, timeoutSeconds: 0, allowedUpdates: configuration.polling.allowedUpdates)
        }
        logger.info("ingress stopped polling")
    }

    /// Translates and hands over `updates` in order. Text goes in groups; an update that carries file bytes is sent
    /// with what precedes it and acknowledged before the next download, so at most one file is held at a time.
    private func forward(
        _ updates: [TelegramUpdate], to forwarder: IntakeForwarder, bot: BotIdentity, fetcher: AttachmentFetcher
    ) async throws {
        let now = Date().epochMillis
        var pending: [InboundUpdate] = []
        for update in updates {
            var inbound = UpdateTranslator.translate(
                update, receivedAt: now, bot: bot, downloadLimit: configuration.uploadMaxBytes)
            if inbound.kind == .message, let message = update.message {
                inbound = await fetcher.complete(inbound, from: message)
            }
            logger.info("update received", metadata: ["update.id": "\(inbound.updateId)", "kind": "\(inbound.kind.rawValue)"])
            pending.append(inbound)
            if inbound.attachments?.contains(where: { $0.data != nil }) == true {
                try await forwarder.forward(pending)
                pending = []
            }
        }
        if !pending.isEmpty { try await forwarder.forward(pending) }
    }

    private func backoff(_ failures: Int) -> Duration {
        .milliseconds(min(30_000, 250 * (1 << min(failures, 7))))
    }
}
