import Foundation
import HTTP

/// The Bot API methods Gatehouse calls, with their parameters typed as the API documents them.
extension TelegramBotAPI {
    public func getMe() async throws(TelegramError) -> TelegramUser {
        try await call("getMe", Empty())
    }

    public func deleteWebhook() async throws(TelegramError) {
        let _: Bool = try await call("deleteWebhook", DeleteWebhook(drop_pending_updates: false))
    }

    /// Long-polls for updates. Calling it with `offset` confirms every update below that id. The answer is read
    /// element by element (`TelegramUpdateBatch`): one undecodable update does not hide the others.
    public func getUpdates(offset: Int64?, limit: Int, timeoutSeconds: Int, allowedUpdates: [String])
        async throws(TelegramError) -> TelegramUpdateBatch
    {
        let response = try await send(
            "getUpdates",
            GetUpdates(offset: offset, limit: limit, timeout: timeoutSeconds, allowed_updates: allowedUpdates),
            timeout: .seconds(timeoutSeconds + 15))
        if response.status == 200, let batch = TelegramUpdateBatch.decode(responseBody: response.body) { return batch }
        // An error answer (or an unreadable one): the envelope says which.
        let _: [Ignored] = try decode(response, method: "getUpdates")
        throw TelegramError(code: .invalidResponse, method: "getUpdates", description: "result is not a list of updates")
    }

    public func sendMessage(
        chatId: Int64, text: String, parseMode: String?, threadId: Int64? = nil, replyTo: Int64? = nil,
        replyMarkup: InlineKeyboardMarkup? = nil
    ) async throws(TelegramError) -> TelegramMessage {
        try await call("sendMessage", SendMessage(
            chat_id: chatId, message_thread_id: threadId, text: text, parse_mode: parseMode,
            reply_parameters: replyTo.map(ReplyParameters.init(messageId:)), reply_markup: replyMarkup,
            link_preview_options: LinkPreviewOptions(is_disabled: true)))
    }

    public func editMessageText(
        chatId: Int64, messageId: Int64, text: String, parseMode: String?, replyMarkup: InlineKeyboardMarkup? = nil
    ) async throws(TelegramError) {
        // Telegram returns the edited Message (or true for inline messages); only success matters here.
        let _: EditResult = try await call("editMessageText", EditMessageText(
            chat_id: chatId, message_id: messageId, text: text, parse_mode: parseMode, reply_markup: replyMarkup,
            link_preview_options: LinkPreviewOptions(is_disabled: true)))
    }

    public func deleteMessage(chatId: Int64, messageId: Int64) async throws(TelegramError) {
        let _: Bool = try await call("deleteMessage", DeleteMessage(chat_id: chatId, message_id: messageId))
    }

    public func answerCallbackQuery(id: String, text: String?) async throws(TelegramError) {
        let _: Bool = try await call("answerCallbackQuery", AnswerCallbackQuery(callback_query_id: id, text: text.map { String($0.prefix(200)) }))
    }

    /// Sends a file as a document, with an optional caption (at most 1024 characters after entity parsing).
    public func sendDocument(
        chatId: Int64, fileName: String, contents: Data, contentType: String, caption: String?, parseMode: String?,
        threadId: Int64? = nil, replyTo: Int64? = nil, replyMarkup: InlineKeyboardMarkup? = nil
    ) async throws(TelegramError) -> TelegramMessage {
        var parts = [
            MultipartPart(name: "chat_id", value: String(chatId)),
            MultipartPart(name: "document", data: contents, filename: fileName, contentType: contentType),
        ]
        if let caption { parts.append(MultipartPart(name: "caption", value: caption)) }
        if let parseMode { parts.append(MultipartPart(name: "parse_mode", value: parseMode)) }
        if let threadId { parts.append(MultipartPart(name: "message_thread_id", value: String(threadId))) }
        if let replyTo, let json = Self.json(ReplyParameters(messageId: replyTo)) {
            parts.append(MultipartPart(name: "reply_parameters", value: json))
        }
        if let replyMarkup, let json = Self.json(replyMarkup) { parts.append(MultipartPart(name: "reply_markup", value: json)) }
        return try await upload("sendDocument", parts: parts)
    }

    /// A picture shown in the chat (at most 10 MB, width plus height at most 10,000, sides at most 20:1).
    public func sendPhoto(
        chatId: Int64, fileName: String, contents: Data, contentType: String, threadId: Int64? = nil, replyTo: Int64? = nil
    ) async throws(TelegramError) -> TelegramMessage {
        var parts = [
            MultipartPart(name: "chat_id", value: String(chatId)),
            MultipartPart(name: "photo", data: contents, filename: fileName, contentType: contentType),
        ]
        if let threadId { parts.append(MultipartPart(name: "message_thread_id", value: String(threadId))) }
        if let replyTo, let json = Self.json(ReplyParameters(messageId: replyTo)) {
            parts.append(MultipartPart(name: "reply_parameters", value: json))
        }
        return try await upload("sendPhoto", parts: parts)
    }

    private static func json<T: Encodable>(_ value: T) -> String? {
        (try? JSONEncoder().encode(value)).map { String(decoding: $0, as: UTF8.self) }
    }

    public func sendChatAction(chatId: Int64, action: String, threadId: Int64? = nil) async throws(TelegramError) {
        let _: Bool = try await call(
            "sendChatAction", SendChatAction(chat_id: chatId, message_thread_id: threadId, action: action))
    }
}

struct Empty: Encodable, Sendable {}

/// Any JSON value, unread.
struct Ignored: Decodable {
    init(from decoder: any Decoder) throws {}
}


struct DeleteWebhook: Encodable, Sendable {
    var drop_pending_updates: Bool
}

struct GetUpdates: Encodable, Sendable {
    var offset: Int64?
    var limit: Int
    var timeout: Int
    var allowed_updates: [String]
}

struct LinkPreviewOptions: Encodable, Sendable {
    var is_disabled: Bool
}

struct SendMessage: Encodable, Sendable {
    var chat_id: Int64
    var message_thread_id: Int64?
    var text: String
    var parse_mode: String?
    var reply_parameters: ReplyParameters?
    var reply_markup: InlineKeyboardMarkup?
    var link_preview_options: LinkPreviewOptions?
}

struct SendChatAction: Encodable, Sendable {
    var chat_id: Int64
    var message_thread_id: Int64?
    var action: String
}

struct EditMessageText: Encodable, Sendable {
    var chat_id: Int64
    var message_id: Int64
    var text: String
    var parse_mode: String?
    var reply_markup: InlineKeyboardMarkup?
    var link_preview_options: LinkPreviewOptions?
}

/// `editMessageText` answers with a Message, or `true` for inline messages.
enum EditResult: Decodable {
    case message
    case done

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        self = (try? container.decode(Bool.self)) != nil ? .done : .message
    }
}

struct DeleteMessage: Encodable, Sendable {
    var chat_id: Int64
    var message_id: Int64
}

struct AnswerCallbackQuery: Encodable, Sendable {
    var callback_query_id: String
    var text: String?
}
