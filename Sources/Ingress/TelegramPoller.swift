import Foundation
import Logging
import Messages
import ServiceLifecycle
import Telegram

/// Long-polls `getUpdates`, hands each batch to the guard, and advances the offset only past updates the guard
/// acknowledged. On graceful shutdown it stops asking Telegram, finishes handing over the batch in hand, and
/// confirms the last acknowledged offset to Telegram.
struct TelegramPoller: Service, CustomStringConvertible {
    var description: String { "telegram poller" }

    let configuration: IngressConfiguration
    let api: TelegramBotAPI
    let forwarder: IntakeForwarder
    let bot: BotIdentity
    let fetcher: AttachmentFetcher
    let link: TelegramLinkMonitor
    let logger: Logger

    func run() async throws {
        var offset: Int64?
        var failures = 0
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let batch: TelegramUpdateBatch
            do {
                let polling = configuration.polling
                let confirmed = offset
                batch = try await cancelWhenGracefulShutdown { [api] in
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
            try await forward(batch.updates)
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
    private func forward(_ updates: [TelegramUpdate]) async throws {
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
