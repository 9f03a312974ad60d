/// Who the bot is (from `getMe`): what makes a group message addressed to it.
public struct BotIdentity: Sendable, Equatable {
    public var id: Int64
    /// Without the "@"; compared case-insensitively, as Telegram does.
    public var username: String?

    public init(id: Int64, username: String?) {
        self.id = id
        self.username = username
    }
}
