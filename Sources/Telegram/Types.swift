/// The parts of the Bot API's types Gatehouse reads. Unknown fields are ignored; field names follow the API.
public struct TelegramUser: Codable, Sendable, Equatable {
    public var id: Int64
    public var is_bot: Bool
    public var first_name: String
    public var username: String?
}

public struct TelegramChat: Codable, Sendable, Equatable {
    public var id: Int64
    public var type: String
    public var title: String?
    public var username: String?
    public var is_forum: Bool?
}

public struct TelegramMessage: Codable, Sendable, Equatable {
    public var message_id: Int64
    public var message_thread_id: Int64?
    public var from: TelegramUser?
    public var chat: TelegramChat
    public var date: Int64
    public var text: String?
    public var caption: String?
    public var media_group_id: String?
}

public struct TelegramCallbackQuery: Codable, Sendable, Equatable {
    public var id: String
    public var from: TelegramUser
    public var message: TelegramMessage?
    public var data: String?
}

/// One update from `getUpdates`. `kinds` lists every field present besides `update_id`, so an update of a kind
/// Gatehouse does not model is still recognised (and confirmed) rather than lost or misread.
public struct TelegramUpdate: Decodable, Sendable, Equatable {
    public var update_id: Int64
    public var message: TelegramMessage?
    public var edited_message: TelegramMessage?
    public var callback_query: TelegramCallbackQuery?
    public var kinds: [String]

    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    private enum Known: String, CodingKey {
        case update_id, message, edited_message, callback_query
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Known.self)
        update_id = try container.decode(Int64.self, forKey: .update_id)
        // A malformed payload of a known kind is kept as "present but unreadable" instead of failing the batch.
        message = try? container.decodeIfPresent(TelegramMessage.self, forKey: .message)
        edited_message = try? container.decodeIfPresent(TelegramMessage.self, forKey: .edited_message)
        callback_query = try? container.decodeIfPresent(TelegramCallbackQuery.self, forKey: .callback_query)
        kinds = try decoder.container(keyedBy: AnyKey.self).allKeys.map(\.stringValue)
            .filter { $0 != "update_id" }.sorted()
    }

    public init(update_id: Int64, message: TelegramMessage? = nil, kinds: [String]) {
        self.update_id = update_id
        self.message = message
        self.kinds = kinds
    }
}

public struct InlineKeyboardButton: Codable, Sendable, Equatable {
    public var text: String
    public var callback_data: String?
    public var url: String?

    public init(text: String, callbackData: String) {
        self.text = text
        self.callback_data = callbackData
    }
}

public struct InlineKeyboardMarkup: Codable, Sendable, Equatable {
    public var inline_keyboard: [[InlineKeyboardButton]]

    public init(_ rows: [[InlineKeyboardButton]]) {
        inline_keyboard = rows
    }
}

public struct ReplyParameters: Codable, Sendable, Equatable {
    public var message_id: Int64
    /// Send even if the message replied to was deleted.
    public var allow_sending_without_reply: Bool?

    public init(messageId: Int64) {
        message_id = messageId
        allow_sending_without_reply = true
    }
}
