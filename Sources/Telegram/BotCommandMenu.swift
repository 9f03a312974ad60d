import Messages

/// One entry of the command menu Telegram shows (`BotCommand`).
public struct TelegramBotCommand: Codable, Sendable, Equatable {
    public var command: String
    public var description: String

    public init(command: String, description: String) {
        self.command = command
        self.description = description
    }

    public init(_ command: BotCommands.Command) {
        self.init(command: command.name, description: command.description)
    }
}

/// Who sees a command menu (`BotCommandScope`): everyone by default, or one chat (an administrator's private chat).
public enum TelegramBotCommandScope: Encodable, Sendable, Equatable {
    case everyone
    case chat(Int64)

    private enum Keys: String, CodingKey { case type, chat_id }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        switch self {
        case .everyone:
            try container.encode("default", forKey: .type)
        case .chat(let id):
            try container.encode("chat", forKey: .type)
            try container.encode(id, forKey: .chat_id)
        }
    }
}

extension TelegramBotAPI {
    /// Replaces the command menu for `scope`.
    public func setMyCommands(_ commands: [TelegramBotCommand], scope: TelegramBotCommandScope = .everyone)
        async throws(TelegramError)
    {
        let _: Bool = try await call("setMyCommands", SetMyCommands(commands: commands, scope: scope))
    }
}

struct SetMyCommands: Encodable, Sendable {
    var commands: [TelegramBotCommand]
    var scope: TelegramBotCommandScope
}
