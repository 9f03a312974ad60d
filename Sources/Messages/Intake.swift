/// One Telegram update, as ingress hands it to the guard: only the fields Gatehouse acts on, typed.
/// Ingress re-sends it until the guard answers with `UpdateAck`.
public struct InboundUpdate: WireMessage, Equatable {
    public static let type = MessageType.update

    public enum Kind: String, Codable, Sendable {
        case message
        case editedMessage = "edited_message"
        case callbackQuery = "callback_query"
        /// Any update kind Gatehouse does not handle; still committed (and ignored) so its offset can advance.
        case unsupported
    }

    public struct Person: Codable, Sendable, Equatable {
        public var id: Int64
        public var isBot: Bool
        public var username: String?
        public var firstName: String?

        public init(id: Int64, isBot: Bool = false, username: String? = nil, firstName: String? = nil) {
            self.id = id
            self.isBot = isBot
            self.username = username
            self.firstName = firstName
        }
    }

    public struct Chat: Codable, Sendable, Equatable {
        public var id: Int64
        /// "private", "group", "supergroup" or "channel".
        public var type: String
        /// The forum topic the message belongs to, if any.
        public var threadId: Int64?

        public init(id: Int64, type: String, threadId: Int64? = nil) {
            self.id = id
            self.type = type
            self.threadId = threadId
        }
    }

    public struct Callback: Codable, Sendable, Equatable {
        public var id: String
        public var data: String?
        /// The message the pressed button belongs to.
        public var messageId: Int64?

        public init(id: String, data: String?, messageId: Int64?) {
            self.id = id
            self.data = data
            self.messageId = messageId
        }
    }

    public var updateId: Int64
    /// When ingress received it from Telegram.
    public var receivedAt: EpochMillis
    public var kind: Kind
    /// The raw kind name for unsupported updates, e.g. "channel_post" (for the audit log).
    public var rawKind: String?
    public var sender: Person?
    public var chat: Chat?
    public var messageId: Int64?
    /// Message text, or the caption of a media message.
    public var text: String?
    public var callback: Callback?

    public init(
        updateId: Int64, receivedAt: EpochMillis, kind: Kind, rawKind: String? = nil,
        sender: Person? = nil, chat: Chat? = nil, messageId: Int64? = nil, text: String? = nil,
        callback: Callback? = nil
    ) {
        self.updateId = updateId
        self.receivedAt = receivedAt
        self.kind = kind
        self.rawKind = rawKind
        self.sender = sender
        self.chat = chat
        self.messageId = messageId
        self.text = text
        self.callback = callback
    }
}

/// The guard's answer to `InboundUpdate`, sent only after the update is committed to its database.
/// Ingress advances the Telegram offset past an update only after this arrives.
public struct UpdateAck: WireMessage, Equatable {
    public static let type = MessageType.updateAck

    public enum Outcome: String, Codable, Sendable {
        /// Newly committed.
        case committed
        /// Seen before (same `update_id`); nothing was done again.
        case duplicate
    }

    public var updateId: Int64
    public var outcome: Outcome

    public init(updateId: Int64, outcome: Outcome) {
        self.updateId = updateId
        self.outcome = outcome
    }
}
