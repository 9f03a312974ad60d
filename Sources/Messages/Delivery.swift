import Foundation

/// An egress instance announces itself and how many deliveries it takes at once.
public struct EgressReady: WireMessage, Equatable {
    public static let type = MessageType.egressReady

    public var egressId: String
    public var capacity: Int

    public init(egressId: String, capacity: Int) {
        self.egressId = egressId
        self.capacity = capacity
    }
}

/// Something to show in a Telegram chat. Final replies come from the guard's outbox and are re-sent until a
/// `DeliveryResult` confirms them. Status messages get a `DeliveryResult` too (the guard needs their message id);
/// chat actions, edits and callback answers are best effort and never confirmed. Deletions are confirmed (the guard
/// re-sends those from its outbox, e.g. removing a message that held a token).
public struct Delivery: WireMessage, Equatable {
    public static let type = MessageType.delivery

    public enum Kind: String, Codable, Sendable {
        /// A message with `text` (and `buttons`).
        case message
        /// `sendChatAction` with `chatAction`.
        case chatAction = "chat_action"
        /// Replace the text (and buttons) of `targetMessageId`.
        case editMessage = "edit_message"
        /// Delete `targetMessageId`.
        case deleteMessage = "delete_message"
        /// `answerCallbackQuery` for `callbackQueryId`, with `text` as the short notice.
        case answerCallback = "answer_callback"
        /// A file named `fileName` whose content is `text`. Confirmed like a message.
        case document
        /// A picture (`fileData`, named `fileName`) sent with `sendPhoto`, which Telegram shows inline. Confirmed
        /// like a message.
        case photo
    }

    /// How egress paces it: final deliveries go first and are never dropped; progress (the status message and its
    /// edits) may be replaced by a newer state of the same job, or by the job's final answer.
    public enum Priority: String, Codable, Sendable {
        case final
        case progress
    }

    /// An inline keyboard button. `callbackData` is a short nonce the guard resolves (Telegram allows 64 bytes).
    public struct Button: Codable, Sendable, Equatable {
        public var text: String
        public var callbackData: String

        public init(text: String, callbackData: String) {
            self.text = text
            self.callbackData = callbackData
        }
    }

    public enum Format: String, Codable, Sendable {
        /// Claude's Markdown; egress renders it to Telegram HTML.
        case markdown
        /// Text shown exactly as written.
        case plain
    }

    /// The outbox id: the same across re-sends of one reply.
    public var deliveryId: String
    public var kind: Kind
    public var chatId: Int64
    public var threadId: Int64?
    public var replyToMessageId: Int64?
    public var text: String?
    public var format: Format
    public var chatAction: String?
    /// Rows of inline buttons under the message.
    public var buttons: [[Button]]?
    public var targetMessageId: Int64?
    public var callbackQueryId: String?
    /// The job this delivery belongs to: egress lets a job's final answer or status removal replace its pending
    /// progress edits.
    public var jobId: String?
    /// The Telegram update the delivery answers, for egress's log line (`update.id`).
    public var updateId: Int64?
    /// Absent means final.
    public var priority: Priority?
    /// For `document`: the file's name (its extension sets the content type).
    public var fileName: String?
    /// For `document`: the file's bytes, when it is not text (then `text` is nil).
    public var fileData: Data?

    public init(
        deliveryId: String, kind: Kind, chatId: Int64, threadId: Int64? = nil, replyToMessageId: Int64? = nil,
        text: String? = nil, format: Format = .plain, chatAction: String? = nil, buttons: [[Button]]? = nil,
        targetMessageId: Int64? = nil, callbackQueryId: String? = nil, jobId: String? = nil, priority: Priority? = nil
    ) {
        self.deliveryId = deliveryId
        self.kind = kind
        self.chatId = chatId
        self.threadId = threadId
        self.replyToMessageId = replyToMessageId
        self.text = text
        self.format = format
        self.chatAction = chatAction
        self.buttons = buttons
        self.targetMessageId = targetMessageId
        self.callbackQueryId = callbackQueryId
        self.jobId = jobId
        self.priority = priority
    }
}

/// What Telegram said about a delivery.
public struct DeliveryResult: WireMessage, Equatable {
    public static let type = MessageType.deliveryResult

    public enum Status: String, Codable, Sendable {
        /// Telegram accepted every part; `telegramMessageIds` lists them.
        case sent
        /// Telegram's definitive answer about this one delivery (bot blocked by the person, chat not found,
        /// text refused as sent); do not retry.
        case rejected
        /// Not sent this time (network, timeout, 5xx, 429, a refused bot token); the guard sends it again later.
        case retry
    }

    /// Why a `retry` was not about this delivery but Telegram as a whole: the guard keeps every reply, tells
    /// admins once Telegram works again, and says so in its log and health file.
    public enum Outage: String, Codable, Sendable {
        /// 401 (or 404 for the whole URL): Telegram refuses the bot token.
        case tokenRefused = "token_refused"
        /// 5xx, timeouts, network errors.
        case unreachable
    }

    public var deliveryId: String
    public var status: Status
    public var telegramMessageIds: [Int64]
    /// Why it failed, for the log; never holds the bot token.
    public var error: String?
    /// For 429: do not retry before this many milliseconds.
    public var retryAfterMs: Int64?
    /// With `retry`: the failure was Telegram's as a whole (absent from older egress programs).
    public var outage: Outage?

    public init(
        deliveryId: String, status: Status, telegramMessageIds: [Int64] = [], error: String? = nil,
        retryAfterMs: Int64? = nil, outage: Outage? = nil
    ) {
        self.deliveryId = deliveryId
        self.status = status
        self.telegramMessageIds = telegramMessageIds
        self.error = error
        self.retryAfterMs = retryAfterMs
        self.outage = outage
    }
}
