import Foundation

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

    /// A file that came with a message. Ingress downloads it (up to its size limit) so the guard can check it and
    /// an executor can save it; nothing else ever fetches from Telegram.
    public struct Attachment: Codable, Sendable, Equatable {
        public enum Kind: String, Codable, Sendable {
            case document, photo, voice, audio, video, animation, sticker
        }

        public var kind: Kind
        /// As the sender named it (documents, audio, video); nil for photos and voice notes.
        public var fileName: String?
        public var mimeType: String?
        /// What Telegram says the size is.
        public var size: Int64?
        /// The bytes, when downloaded.
        public var data: Data?
        /// Why `data` is missing: an `AttachmentProblem` (`too_large`, `download_failed`, `not_downloaded`, …), read
        /// as `knownProblem`. A string on the wire so a code from a newer ingress still decodes.
        public var problem: String?

        public init(
            kind: Kind, fileName: String? = nil, mimeType: String? = nil, size: Int64? = nil, data: Data? = nil,
            problem: String? = nil
        ) {
            self.kind = kind
            self.fileName = fileName
            self.mimeType = mimeType
            self.size = size
            self.data = data
            self.problem = problem
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
    public var attachments: [Attachment]?
    /// Photos and documents sent together share this id (an album); the guard makes them one prompt.
    public var mediaGroupId: String?
    /// `text` is the transcript of a voice note (ingress transcribed it).
    public var transcribed: Bool?
    /// In a group: the message mentions the bot, is a command addressed to it, or replies to one of its messages.
    public var addressedToBot: Bool?

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
