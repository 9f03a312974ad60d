/// A Telegram user that talks to the bot through the fake.
public struct FakeTelegramUser: Sendable, Equatable {
    public var id: Int64
    public var firstName: String
    public var username: String?
    public var isBot: Bool

    public init(id: Int64, firstName: String, username: String? = nil, isBot: Bool = false) {
        self.id = id
        self.firstName = firstName
        self.username = username
        self.isBot = isBot
    }

    var telegramObject: FakeTelegramValue {
        var object: [String: FakeTelegramValue] = [
            "id": .integer(id), "is_bot": .bool(isBot), "first_name": .string(firstName),
        ]
        if let username { object["username"] = .string(username) }
        return .object(object)
    }
}
