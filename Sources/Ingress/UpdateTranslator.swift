import Messages
import Telegram

/// Turns a Telegram update into the typed message the guard reads. Every update becomes exactly one
/// `InboundUpdate` (unknown kinds included), so its offset can be confirmed once the guard has it.
/// Pure: files are only described here (kind, name, size, or why they will not be fetched); `AttachmentFetcher`
/// downloads the rest.
public enum UpdateTranslator {
    public static let defaultDownloadLimit = 10 << 20

    /// `bot` (from getMe) decides whether a group message is addressed to the bot; `downloadLimit` marks files known
    /// to be larger as `too_large`.
    public static func translate(
        _ update: TelegramUpdate, receivedAt: EpochMillis, bot: BotIdentity? = nil,
        downloadLimit: Int = defaultDownloadLimit
    ) -> InboundUpdate {
        if let message = update.message {
            return inbound(update.update_id, .message, message, receivedAt: receivedAt, bot: bot, limit: downloadLimit)
        }
        if let message = update.edited_message {
            return inbound(update.update_id, .editedMessage, message, receivedAt: receivedAt, bot: bot, limit: downloadLimit)
        }
        if let query = update.callback_query {
            let chat: InboundUpdate.Chat? = query.message.map { message in Self.chat(of: message) }
            return InboundUpdate(
                updateId: update.update_id, receivedAt: receivedAt, kind: .callbackQuery, sender: person(query.from),
                chat: chat, messageId: query.message?.message_id,
                callback: .init(id: query.id, data: query.data, messageId: query.message?.message_id))
        }
        return InboundUpdate(
            updateId: update.update_id, receivedAt: receivedAt, kind: .unsupported,
            rawKind: update.kinds.first.map { String($0.prefix(64)) } ?? "empty")
    }

    private static func inbound(
        _ id: Int64, _ kind: InboundUpdate.Kind, _ message: TelegramMessage, receivedAt: EpochMillis,
        bot: BotIdentity?, limit: Int
    ) -> InboundUpdate {
        var text = message.text ?? message.caption
        if let bot, let original = text { text = GroupAddressing.stripped(original, for: bot) }
        var inbound = InboundUpdate(
            updateId: id, receivedAt: receivedAt, kind: kind, sender: message.from.map(person), chat: chat(of: message),
            messageId: message.message_id, text: text)
        if let bot, isGroup(message.chat) {
            inbound.addressedToBot = GroupAddressing.isAddressed(message, to: bot)
        }
        inbound.mediaGroupId = message.media_group_id
        if let file = IncomingFile(of: message, limit: limit) {
            inbound.attachments = [attachment(file, of: kind, limit: limit)]
        }
        return inbound
    }

    /// The attachment as described before any download: a problem is set unless ingress will fetch it.
    static func attachment(_ file: IncomingFile, of kind: InboundUpdate.Kind, limit: Int) -> InboundUpdate.Attachment {
        var attachment = InboundUpdate.Attachment(
            kind: file.kind, fileName: file.fileName, mimeType: file.mimeType, size: file.size)
        if !file.isDownloadable || kind != .message {
            attachment.problem = AttachmentProblem.notDownloaded.rawValue
        } else if file.exceeds(limit) {
            attachment.problem = AttachmentProblem.tooLarge.rawValue
        }
        return attachment
    }

    static func isGroup(_ chat: TelegramChat) -> Bool {
        chat.type == "group" || chat.type == "supergroup"
    }

    private static func person(_ user: TelegramUser) -> InboundUpdate.Person {
        .init(id: user.id, isBot: user.is_bot, username: user.username, firstName: user.first_name)
    }

    /// A message in a forum topic keeps the topic (`message_thread_id` with `is_topic_message`); reply threads of
    /// ordinary groups also carry `message_thread_id`, but answering "into" those is not what anyone wants.
    private static func chat(of message: TelegramMessage) -> InboundUpdate.Chat {
        .init(id: message.chat.id, type: message.chat.type,
              threadId: message.is_topic_message == true ? message.message_thread_id : nil)
    }
}
