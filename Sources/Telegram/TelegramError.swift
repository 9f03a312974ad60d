/// A failed Bot API call. Never holds the bot token or a URL: only the method, Telegram's description and codes.
public struct TelegramError: Error, CustomStringConvertible, Sendable, Equatable {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        public var description: String { name }
        /// 401: the token is wrong or revoked.
        public static let unauthorized = Code(name: "unauthorized")
        /// 429: slow down for `retryAfterSeconds`.
        public static let rateLimited = Code(name: "rate_limited")
        /// 400: Telegram refused the request as sent.
        public static let badRequest = Code(name: "bad_request")
        /// 403: the bot was blocked, kicked, or may not write there.
        public static let forbidden = Code(name: "forbidden")
        /// 404 on the whole URL: the token is malformed, or the Bot API base URL is wrong.
        public static let notFound = Code(name: "not_found")
        /// 409: another poller or a webhook is active for this token.
        public static let conflict = Code(name: "conflict")
        /// 5xx: Telegram's side failed; try again later.
        public static let server = Code(name: "server_error")
        /// The request never got an answer (network, timeout).
        public static let network = Code(name: "network")
        /// A file download passed its size limit and was aborted.
        public static let fileTooLarge = Code(name: "file_too_large")
        /// The answer was not what the Bot API promises.
        public static let invalidResponse = Code(name: "invalid_response")
    }

    public var code: Code
    public var method: String
    public var description_: String
    public var retryAfterSeconds: Int?
    /// Set when a group became a supergroup: send there instead.
    public var migrateToChatId: Int64?

    public init(code: Code, method: String, description: String, retryAfterSeconds: Int? = nil, migrateToChatId: Int64? = nil) {
        self.code = code
        self.method = method
        self.description_ = description
        self.retryAfterSeconds = retryAfterSeconds
        self.migrateToChatId = migrateToChatId
    }

    public var description: String { "\(method): \(code): \(description_)" }

    /// Telegram refused the formatting of a message (bad HTML entities).
    public var isEntityParseError: Bool {
        code == .badRequest && description_.lowercased().contains("can't parse entities")
    }

    /// Editing to identical content; counts as success.
    public var isNotModified: Bool {
        code == .badRequest && description_.lowercased().contains("message is not modified")
    }

    /// Worth trying again later.
    public var isTransient: Bool {
        code == .rateLimited || code == .server || code == .network
    }
}
