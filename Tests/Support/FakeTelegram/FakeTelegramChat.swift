/// A chat the fake knows; `chat_id` of any call must name one of these.
public struct FakeTelegramChat: Sendable, Equatable {
    public var id: Int64
    /// "private", "group", "supergroup" or "channel".
    public var type: String
    public var title: String?
    public var isForum: Bool

    public init(id: Int64, type: String = "private", title: String? = nil, isForum: Bool = false) {
        self.id = id
        self.type = type
        self.title = title
        self.isForum = isForum
    }

    /// The private chat Telegram opens between a user and the bot: its id is the user's id.
    public static func privateChat(with user: FakeTelegramUser) -> FakeTelegramChat {
        FakeTelegramChat(id: user.id, type: "private")
    }

    func telegramObject(user: FakeTelegramUser? = nil) -> FakeTelegramValue {
        var object: [String: FakeTelegramValue] = ["id": .integer(id), "type": .string(type)]
        if let title { object["title"] = .string(title) }
        if isForum { object["is_forum"] = .bool(true) }
        if type == "private", let user {
            object["first_name"] = .string(user.firstName)
            if let username = user.username { object["username"] = .string(username) }
        }
        return .object(object)
    }

    init?(telegramObject value: FakeTelegramValue) {
        guard let id = value["id"]?.integerValue else { return nil }
        self.init(
            id: id, type: value["type"]?.stringValue ?? "private", title: value["title"]?.stringValue,
            isForum: value["is_forum"]?.boolValue ?? false)
    }
}
