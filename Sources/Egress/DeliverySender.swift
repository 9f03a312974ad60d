import Foundation
import Logging
import Messages
import Rendering
import Synchronization
import Telegram

/// Turns one `Delivery` into Telegram messages and says how it went. Remembers which parts of a long reply
/// Telegram already accepted, so a retry of the same delivery continues where it stopped instead of repeating.
final class DeliverySender: Sendable {
    private let api: TelegramBotAPI
    private let pacer: Pacer
    private let logger: Logger
    /// Whether Telegram works, as these calls find it (log, health file, `outage` in results).
    private let link: TelegramLinkMonitor
    private let sentParts = Mutex<[String: [Int64]]>([:])
    /// Answers longer than this (visible characters) go as a `.md` document with a short summary.
    private let documentThreshold: Int
    /// A 429 asking for a longer pause than this is handed back to the guard instead of waited out here.
    static let longestWaitMs: Int64 = 20_000
    /// The error of a status message dropped because its job's answer came first (the guard records nothing).
    static let superseded = "superseded by the answer"

    init(api: TelegramBotAPI, pacer: Pacer, documentThreshold: Int, link: TelegramLinkMonitor, logger: Logger) {
        self.api = api
        self.pacer = pacer
        self.documentThreshold = documentThreshold
        self.link = link
        self.logger = logger
    }

    /// Runs one Telegram call when the rate limits allow it (see `DeliveryPacing`). Returns nil if a newer state or
    /// the job's answer replaced it first.
    private func paced<Result>(
        _ delivery: Delivery, _ call: () async throws(TelegramError) -> Result
    ) async throws(TelegramError) -> Result? {
        let pacing = DeliveryPacing.of(delivery)
        guard var permit = await pacer.permit(chatId: delivery.chatId, priority: pacing.priority, coalesceKey: pacing.coalesceKey)
        else { return nil }
        while true {
            do {
                let result = try await call()
                link.succeeded()
                await pacer.finished(permit)
                return result
            } catch let error where error.code == .rateLimited {
                let waitMs = Int64(error.retryAfterSeconds ?? 1) * 1000
                guard waitMs <= Self.longestWaitMs else {
                    await pacer.finished(permit)
                    throw error
                }
                logger.info("rate limited by Telegram; waiting exactly retry_after", metadata: [
                    "chat.id": "\(delivery.chatId)", "retry.after.ms": "\(waitMs)",
                ])
                guard let again = await pacer.rateLimited(permit, retryAfterMs: waitMs) else { return nil }
                permit = again
            } catch {
                link.failed(error)
                await pacer.finished(permit)
                throw error
            }
        }
    }

    func deliver(_ delivery: Delivery) async -> DeliveryResult? {
        switch delivery.kind {
        case .chatAction:
            do {
                try await api.sendChatAction(
                    chatId: delivery.chatId, action: delivery.chatAction ?? "typing", threadId: delivery.threadId)
            } catch {
                logger.debug("chat action not shown", metadata: ["chat.id": "\(delivery.chatId)", "error": "\(error)"])
            }
            return nil  // best effort: never confirmed, never retried
        case .message:
            return await sendMessage(delivery)
        case .document:
            return await sendFile(delivery)
        case .photo:
            return await sendPhoto(delivery)
        case .deleteMessage:
            return await delete(delivery)
        case .editMessage, .answerCallback:
            await bestEffort(delivery)
            return nil
        }
    }

    /// A file the guard composed (e.g. `/mydata`): its content is the delivery's text.
    private func sendFile(_ delivery: Delivery) async -> DeliveryResult {
        let fileName = delivery.fileName ?? "gatehouse.txt"
        let contentType =
            delivery.fileData != nil ? "application/octet-stream"
            : fileName.hasSuffix(".json") ? "application/json" : fileName.hasSuffix(".md") ? "text/markdown"
            : fileName.hasSuffix(".html") ? "text/html" : "text/plain"
        let contents = delivery.fileData ?? Data((delivery.text ?? "").utf8)
        do throws(TelegramError) {
            let sent = try await paced(delivery) { () async throws(TelegramError) -> TelegramMessage in
                try await api.sendDocument(
                    chatId: delivery.chatId, fileName: fileName, contents: contents,
                    contentType: contentType, caption: nil, parseMode: nil, threadId: delivery.threadId,
                    replyTo: delivery.replyToMessageId, replyMarkup: nil)
            }
            guard let sent else { return DeliveryResult(deliveryId: delivery.deliveryId, status: .retry, error: "superseded") }
            return DeliveryResult(deliveryId: delivery.deliveryId, status: .sent, telegramMessageIds: [sent.message_id])
        } catch {
            return failure(error, delivery: delivery)
        }
    }

    /// A picture Claude sent (its `send_file` tool): shown inline; the executor checked it is one Telegram takes.
    private func sendPhoto(_ delivery: Delivery) async -> DeliveryResult {
        let fileName = delivery.fileName ?? "picture.png"
        let contentType = switch fileName.split(separator: ".").last?.lowercased() {
        case "png": "image/png"
        case "gif": "image/gif"
        case "webp": "image/webp"
        default: "image/jpeg"
        }
        do throws(TelegramError) {
            let sent = try await paced(delivery) { () async throws(TelegramError) -> TelegramMessage in
                try await api.sendPhoto(
                    chatId: delivery.chatId, fileName: fileName, contents: delivery.fileData ?? Data(), contentType: contentType,
                    threadId: delivery.threadId, replyTo: delivery.replyToMessageId)
            }
            guard let sent else { return DeliveryResult(deliveryId: delivery.deliveryId, status: .retry, error: "superseded") }
            return DeliveryResult(deliveryId: delivery.deliveryId, status: .sent, telegramMessageIds: [sent.message_id])
        } catch {
            return failure(error, delivery: delivery)
        }
    }

    /// Deletions are confirmed: one that removes a token from the chat must not be lost.
    private func delete(_ delivery: Delivery) async -> DeliveryResult {
        guard let messageId = delivery.targetMessageId else {
            return DeliveryResult(deliveryId: delivery.deliveryId, status: .rejected, error: "no message to delete")
        }
        do throws(TelegramError) {
            _ = try await paced(delivery) { () async throws(TelegramError) in
                try await api.deleteMessage(chatId: delivery.chatId, messageId: messageId)
            }
            return DeliveryResult(deliveryId: delivery.deliveryId, status: .sent, telegramMessageIds: [messageId])
        } catch {
            return failure(error, delivery: delivery)
        }
    }

    /// Edits, deletions and button answers: tried once; a failure is logged, never retried.
    private func bestEffort(_ delivery: Delivery) async {
        do {
            switch delivery.kind {
            case .editMessage:
                guard let messageId = delivery.targetMessageId else { return }
                _ = try await paced(delivery) {
                    () async throws(TelegramError) in
                    try await api.editMessageText(
                        chatId: delivery.chatId, messageId: messageId, text: delivery.text ?? "", parseMode: nil,
                        replyMarkup: Self.keyboard(delivery.buttons))
                }
            case .answerCallback:
                guard let id = delivery.callbackQueryId else { return }
                try await api.answerCallbackQuery(id: id, text: delivery.text)
            case .message, .chatAction, .document, .photo, .deleteMessage:
                return
            }
        } catch let error where error.isNotModified {
            return
        } catch {
            logger.info("best-effort delivery failed", metadata: [
                "kind": "\(delivery.kind.rawValue)", "chat.id": "\(delivery.chatId)", "error": "\(error)",
            ])
        }
    }

    static func keyboard(_ buttons: [[Delivery.Button]]?) -> InlineKeyboardMarkup? {
        guard let buttons, !buttons.isEmpty else { return nil }
        return InlineKeyboardMarkup(buttons.map { row in row.map { InlineKeyboardButton(text: $0.text, callbackData: $0.callbackData) } })
    }

    private func sendMessage(_ delivery: Delivery) async -> DeliveryResult {
        let text = delivery.text ?? ""
        let parts: [Part]
        switch delivery.format {
        case .markdown:
            switch ReplyLayout.plan(markdown: text, documentThreshold: documentThreshold) {
            case .messages(let chunks):
                parts = chunks.map { Part(text: $0, html: true) }
            case .document(let summary, let fileName, let content):
                return await sendDocument(delivery, summary: summary, fileName: fileName, content: content)
            }
        case .plain:
            parts = MessageSplitter.split(plain: text).map { Part(text: $0, html: false) }
        }
        var ids = sentParts.withLock { $0[delivery.deliveryId] ?? [] }
        var index = ids.count
        while index < parts.count {
            let part = parts[index]
            do {
                guard let message = try await send(part, delivery: delivery, isFirst: index == 0, isLast: index == parts.count - 1)
                else {
                    // A status message the job's answer replaced before it could be sent: nobody missed it.
                    return DeliveryResult(deliveryId: delivery.deliveryId, status: .rejected, error: Self.superseded)
                }
                ids.append(message.message_id)
                sentParts.withLock { $0[delivery.deliveryId] = ids }
                index += 1
            } catch let error where error.isEntityParseError && part.html {
                // Telegram refused our HTML: show the text without formatting rather than not at all.
                logger.warning("Telegram refused the formatting; sending plain text", metadata: [
                    "delivery.id": "\(delivery.deliveryId)", "error": "\(error)",
                ])
                let plain = index == 0 ? text : ((try? TelegramHTML.visibleText(ofHTML: part.text)) ?? part.text)
                let rest = parts[(index + 1)...].map { (try? TelegramHTML.visibleText(ofHTML: $0.text)) ?? $0.text }
                let plainParts = (index == 0 ? [plain] : [plain] + rest)
                    .flatMap { MessageSplitter.split(plain: $0) }.map { Part(text: $0, html: false) }
                return await sendPlainFallback(plainParts, delivery: delivery, ids: ids)
            } catch {
                return failure(error, delivery: delivery)
            }
        }
        sentParts.withLock { _ = $0.removeValue(forKey: delivery.deliveryId) }
        return DeliveryResult(deliveryId: delivery.deliveryId, status: .sent, telegramMessageIds: ids)
    }

    /// A long answer: the whole Markdown as a `.md` file, its first lines as the caption, so nothing is cut.
    private func sendDocument(_ delivery: Delivery, summary: String, fileName: String, content: String) async -> DeliveryResult {
        do throws(TelegramError) {
            let sent = try await paced(delivery) { () async throws(TelegramError) -> TelegramMessage in
                do throws(TelegramError) {
                    return try await api.sendDocument(
                        chatId: delivery.chatId, fileName: fileName, contents: Data(content.utf8), contentType: "text/markdown",
                        caption: summary, parseMode: "HTML", threadId: delivery.threadId, replyTo: delivery.replyToMessageId,
                        replyMarkup: Self.keyboard(delivery.buttons))
                } catch where error.isEntityParseError {
                    let plain = (try? TelegramHTML.visibleText(ofHTML: summary)) ?? String(content.prefix(1000))
                    return try await api.sendDocument(
                        chatId: delivery.chatId, fileName: fileName, contents: Data(content.utf8), contentType: "text/markdown",
                        caption: plain, parseMode: nil, threadId: delivery.threadId, replyTo: delivery.replyToMessageId,
                        replyMarkup: Self.keyboard(delivery.buttons))
                }
            }
            guard let sent else { return DeliveryResult(deliveryId: delivery.deliveryId, status: .retry, error: "superseded") }
            return DeliveryResult(deliveryId: delivery.deliveryId, status: .sent, telegramMessageIds: [sent.message_id])
        } catch {
            return failure(error, delivery: delivery)
        }
    }

    private func sendPlainFallback(_ parts: [Part], delivery: Delivery, ids: [Int64]) async -> DeliveryResult {
        var ids = ids
        for (offset, part) in parts.enumerated() {
            do {
                guard let message = try await send(
                    part, delivery: delivery, isFirst: ids.isEmpty && offset == 0, isLast: offset == parts.count - 1)
                else { return DeliveryResult(deliveryId: delivery.deliveryId, status: .rejected, error: Self.superseded) }
                ids.append(message.message_id)
            } catch {
                return failure(error, delivery: delivery)
            }
        }
        sentParts.withLock { _ = $0.removeValue(forKey: delivery.deliveryId) }
        return DeliveryResult(deliveryId: delivery.deliveryId, status: .sent, telegramMessageIds: ids)
    }

    /// One part of a reply: the first answers the user's message, the last carries the buttons. Status messages
    /// ("working…") are progress; everything else goes first. nil: the job's answer replaced this status message.
    private func send(_ part: Part, delivery: Delivery, isFirst: Bool, isLast: Bool) async throws(TelegramError) -> TelegramMessage? {
        try await paced(delivery) {
            () async throws(TelegramError) -> TelegramMessage in
            try await api.sendMessage(
                chatId: delivery.chatId, text: part.text, parseMode: part.html ? "HTML" : nil, threadId: delivery.threadId,
                replyTo: isFirst ? delivery.replyToMessageId : nil, replyMarkup: isLast ? Self.keyboard(delivery.buttons) : nil)
        }
    }

    /// Only Telegram's definitive answer about this delivery ends it; anything else (a refused token, 5xx,
    /// timeouts, the network) hands it back to the guard, which keeps it and tries again with backoff.
    private func failure(_ error: TelegramError, delivery: Delivery) -> DeliveryResult {
        switch TelegramFailureScope(error) {
        case .request:
            sentParts.withLock { _ = $0.removeValue(forKey: delivery.deliveryId) }
            logger.warning("Telegram refused this reply for good", metadata: [
                "delivery.id": "\(delivery.deliveryId)", "chat.id": "\(delivery.chatId)", "error": "\(error)",
            ])
            return DeliveryResult(deliveryId: delivery.deliveryId, status: .rejected, error: error.description)
        case .bot:
            return DeliveryResult(
                deliveryId: delivery.deliveryId, status: .retry, error: error.description, outage: .tokenRefused)
        case .transient:
            logger.info("delivery will be retried", metadata: ["chat.id": "\(delivery.chatId)", "error": "\(error)"])
            return DeliveryResult(
                deliveryId: delivery.deliveryId, status: .retry, error: error.description,
                retryAfterMs: error.retryAfterSeconds.map { Int64($0) * 1000 },
                outage: error.code == .rateLimited ? nil : .unreachable)
        }
    }

    private struct Part {
        var text: String
        var html: Bool
    }
}
