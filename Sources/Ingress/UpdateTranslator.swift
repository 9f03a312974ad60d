import Messages
import Telegram

/// Turns a Telegram update into the typed message the guard reads. Every update becomes exactly one
/// `InboundUpdate` (unknown kinds included), so its offset can be confirmed once the guard has it.
public enum UpdateTranslator {
    public static func translate(_ update: TelegramUpdate, receivedAt: EpochMillis) -> InboundUpdate {
        if let message = update.message {
            return inbound(update.update_id, .message, message, receivedAt: receivedAt)
        }
        if let message = update.edited_message {
            return inbound(update.update_id, .editedMessage, message, receivedAt: receivedAt)
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
        _ id: Int64, _ kind: InboundUpdate.Kind, _ message: TelegramMessage, receivedAt: EpochMillis
    ) -> InboundUpdate {
        InboundUpdate(
            updateId: id, receivedAt: receivedAt, kind: kind, sender: message.from.map(person), chat: chat(of: message),
            messageId: message.message_id, text: message.text ?? message.caption)
    }

    private static func person(_ user: TelegramUser) -> InboundUpdate.Person {
        .init(id: user.id, isBot: user.is_bot, username: user.username, firstName: user.first_name)
    }

    private static func chat(of message: TelegramMessage) -> InboundUpdate.Chat {
        .init(id: message.chat.id, type: message.chat.type, threadId: message.message_thread_id)
    }
}
