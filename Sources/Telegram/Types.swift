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
    /// True when the message belongs to a forum topic (then `message_thread_id` names the topic).
    public var is_topic_message: Bool?
    public var from: TelegramUser?
    public var chat: TelegramChat
    public var date: Int64
    public var text: String?
    public var caption: String?
    public var entities: [TelegramMessageEntity]?
    public var caption_entities: [TelegramMessageEntity]?
    public var media_group_id: String?
    public var reply_to_message: TelegramRepliedMessage?
    public var document: TelegramDocument?
    /// The sizes Telegram made of one photo, smallest first.
    public var photo: [TelegramPhotoSize]?
    public var voice: TelegramVoice?
    public var audio: TelegramAudio?
    public var video: TelegramVideo?
    public var animation: TelegramAnimation?
    public var sticker: TelegramSticker?

    public init(message_id: Int64, from: TelegramUser?, chat: TelegramChat, date: Int64, text: String? = nil) {
        self.message_id = message_id
        self.from = from
        self.chat = chat
        self.date = date
        self.text = text
    }

    /// The identity of a message (id, chat, date, sender) and its text are required to read it; everything else is
    /// optional and read leniently: a malformed extra field is dropped rather than making the whole update unreadable.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        message_id = try container.decode(Int64.self, forKey: .message_id)
        from = try container.decodeIfPresent(TelegramUser.self, forKey: .from)
        chat = try container.decode(TelegramChat.self, forKey: .chat)
        date = try container.decode(Int64.self, forKey: .date)
        text = try container.decodeIfPresent(String.self, forKey: .text)
        caption = try container.decodeIfPresent(String.self, forKey: .caption)
        message_thread_id = container.lenient(Int64.self, forKey: .message_thread_id)
        is_topic_message = container.lenient(Bool.self, forKey: .is_topic_message)
        entities = container.lenient([TelegramMessageEntity].self, forKey: .entities)
        caption_entities = container.lenient([TelegramMessageEntity].self, forKey: .caption_entities)
        media_group_id = container.lenient(String.self, forKey: .media_group_id)
        reply_to_message = container.lenient(TelegramRepliedMessage.self, forKey: .reply_to_message)
        document = container.lenient(TelegramDocument.self, forKey: .document)
        photo = container.lenient([TelegramPhotoSize].self, forKey: .photo)
        voice = container.lenient(TelegramVoice.self, forKey: .voice)
        audio = container.lenient(TelegramAudio.self, forKey: .audio)
        video = container.lenient(TelegramVideo.self, forKey: .video)
        animation = container.lenient(TelegramAnimation.self, forKey: .animation)
        sticker = container.lenient(TelegramSticker.self, forKey: .sticker)
    }
}

/// One special part of a text: Gatehouse reads mentions (`@name`, or a person without a username) and commands.
public struct TelegramMessageEntity: Codable, Sendable, Equatable {
    public var type: String
    /// In UTF-16 code units, as Telegram counts.
    public var offset: Int
    public var length: Int
    /// For `text_mention`.
    public var user: TelegramUser?

    public init(type: String, offset: Int, length: Int, user: TelegramUser? = nil) {
        self.type = type
        self.offset = offset
        self.length = length
        self.user = user
    }
}

/// The message a message replies to; only who wrote it matters (was it the bot?). Not a full `TelegramMessage`,
/// which would nest without bound.
public struct TelegramRepliedMessage: Codable, Sendable, Equatable {
    public var message_id: Int64
    public var from: TelegramUser?

    public init(message_id: Int64, from: TelegramUser?) {
        self.message_id = message_id
        self.from = from
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        message_id = try container.decode(Int64.self, forKey: .message_id)
        from = container.lenient(TelegramUser.self, forKey: .from)
    }
}

extension KeyedDecodingContainer {
    /// The value if present and well-formed; nil otherwise (an optional field Gatehouse can do without).
    func lenient<T: Decodable>(_ type: T.Type, forKey key: Key) -> T? {
        (try? decodeIfPresent(type, forKey: key)) ?? nil
    }
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
