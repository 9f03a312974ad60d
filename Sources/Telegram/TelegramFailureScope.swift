/// What a failed Bot API call is about, which decides whether a reply may ever be given up. Only Telegram's
/// definitive answer about this one request ends a reply (the person blocked the bot, the chat is gone, the text is
/// refused as sent: 400 and 403). A refused token (401, or 404 for the whole URL) is about the bot, not the message,
/// and is often an operator's slip being fixed; 429, 5xx, timeouts and network errors pass. Those are waited out.
public enum TelegramFailureScope: String, Sendable, Equatable {
    /// Telegram will never accept this request as it is: give it up (and say so in the audit log).
    case request
    /// Telegram refuses the bot itself (its token): nothing can be sent until an operator fixes it.
    case bot
    /// The way to Telegram or Telegram itself failed for now.
    case transient

    public init(_ error: TelegramError) {
        switch error.code {
        case .badRequest, .forbidden, .fileTooLarge: self = .request
        case .unauthorized, .notFound: self = .bot
        default: self = .transient
        }
    }
}
