import Messages

public enum OutboxStatus: String, Codable, Sendable {
    case pending
    case sent
    /// Telegram will never take it (chat gone, bot blocked).
    case rejected
}

/// A reply the guard owes a chat. Stored before it is sent, re-sent until egress confirms Telegram took it.
public struct OutboxRecord: Codable, Sendable, Equatable {
    public var id: String
    public var jobId: String?
    public var chatId: Int64
    public var threadId: Int64?
    public var replyToMessageId: Int64?
    public var text: String
    public var format: String
    public var status: OutboxStatus
    public var attempts: Int
    public var nextAttemptAt: EpochMillis
    public var createdAt: EpochMillis
    public var sentAt: EpochMillis?
    /// Comma-separated Telegram message ids of the parts Telegram accepted.
    public var telegramMessageIds: String?
    public var lastError: String?
    /// Inline buttons under the reply, as JSON (`[[Delivery.Button]]`).
    public var buttons: String?
    /// nil: a text reply. `document`: `text` is the content of a file named `fileName`. `delete`: remove the
    /// chat's message `targetMessageId` (e.g. one that held a token).
    public var kind: String?
    public var fileName: String?
    public var targetMessageId: Int64?

    public init(
        id: String, jobId: String? = nil, chatId: Int64, threadId: Int64? = nil, replyToMessageId: Int64? = nil,
        text: String, format: String, status: OutboxStatus, attempts: Int, nextAttemptAt: EpochMillis, createdAt: EpochMillis,
        sentAt: EpochMillis? = nil, telegramMessageIds: String? = nil, lastError: String? = nil, buttons: String? = nil,
        kind: String? = nil, fileName: String? = nil, targetMessageId: Int64? = nil
    ) {
        self.id = id
        self.jobId = jobId
        self.chatId = chatId
        self.threadId = threadId
        self.replyToMessageId = replyToMessageId
        self.text = text
        self.format = format
        self.status = status
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.createdAt = createdAt
        self.sentAt = sentAt
        self.telegramMessageIds = telegramMessageIds
        self.lastError = lastError
        self.buttons = buttons
        self.kind = kind
        self.fileName = fileName
        self.targetMessageId = targetMessageId
    }
}
