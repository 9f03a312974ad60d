import Messages

/// One Telegram update the guard has committed. Its `updateId` is the primary key: a repeat is a duplicate.
public struct UpdateRecord: Codable, Sendable, Equatable {
    public var updateId: Int64
    public var receivedAt: EpochMillis
    public var committedAt: EpochMillis
    public var userId: Int64?
    public var chatId: Int64?
    public var kind: String
    /// What the guard decided: an `UpdateDisposition`'s raw value. A string, because rows stored by other builds
    /// are read back (`/mydata`) and must not fail to decode.
    public var disposition: String

    public init(
        updateId: Int64, receivedAt: EpochMillis, committedAt: EpochMillis, userId: Int64?, chatId: Int64?, kind: String,
        disposition: String
    ) {
        self.updateId = updateId
        self.receivedAt = receivedAt
        self.committedAt = committedAt
        self.userId = userId
        self.chatId = chatId
        self.kind = kind
        self.disposition = disposition
    }

    public init(
        updateId: Int64, receivedAt: EpochMillis, committedAt: EpochMillis, userId: Int64?, chatId: Int64?, kind: String,
        disposition: UpdateDisposition
    ) {
        self.init(
            updateId: updateId, receivedAt: receivedAt, committedAt: committedAt, userId: userId, chatId: chatId,
            kind: kind, disposition: disposition.rawValue)
    }

    /// `disposition` in the shared vocabulary; nil for a value this build does not write.
    public var knownDisposition: UpdateDisposition? { UpdateDisposition(rawValue: disposition) }

    public mutating func setDisposition(_ disposition: UpdateDisposition) {
        self.disposition = disposition.rawValue
    }
}

public enum JobStatus: String, Codable, Sendable, CaseIterable {
    /// Accepted, waiting for a free executor slot (or for the user's previous job to finish).
    case queued
    /// Handed to an executor that has not started Claude yet. Re-dispatched if that executor dies.
    case dispatched
    /// Claude was started. If the executor or the CLI dies, the job is run again by itself only when nothing the
    /// guard allowed in that attempt could change anything (see `JobToolRecord`); otherwise it is interrupted.
    case running
    case done
    case interrupted
    case cancelled

    public var isFinal: Bool { self == .done || self == .interrupted || self == .cancelled }
}

public struct JobRecord: Codable, Sendable, Equatable {
    public var id: String
    public var updateId: Int64?
    public var userId: Int64
    public var chatId: Int64
    public var threadId: Int64?
    public var replyToMessageId: Int64?
    /// Relative to `APPROVED_DIRECTORY`.
    public var workspace: String
    /// Kept only until the job ends.
    public var prompt: String
    public var status: JobStatus
    public var executorId: String?
    public var attempt: Int
    public var createdAt: EpochMillis
    public var dispatchedAt: EpochMillis?
    public var startedAt: EpochMillis?
    public var finishedAt: EpochMillis?
    public var sessionId: String?
    public var costUSD: Double?
    public var outcome: String?
    public var errorDetail: String?
    /// The "working…" message shown while the job runs (with its Stop button), to remove when it ends.
    public var statusMessageId: Int64?
    /// Not dispatched before this (an album waits a moment for its other parts).
    public var notBefore: EpochMillis?
    /// The album this job gathers (Telegram's `media_group_id`).
    public var mediaGroupId: String?
    /// How often the guard dispatched it again by itself after an attempt was lost with nothing changed.
    public var restarts: Int = 0
    /// What started it when no one sent it: "schedule <id>" or "webhook <rule>"; nil for a prompt someone sent. Such
    /// a run starts a fresh Claude session and leaves its owner's current one alone.
    public var trigger: String? = nil
    /// The model for this job (a webhook rule's); nil: the owner's choice or the configured one.
    public var model: String? = nil
    /// This job's own budget (a webhook rule's), never above what the owner's limits leave.
    public var maxBudgetUSD: Double? = nil
    /// "deny": tool questions are denied instead of asked (no one is watching an unattended run); nil: asked in the chat.
    public var questions: String? = nil
    /// More chats that get the final answer (a webhook rule's other chats), comma-separated ids.
    public var copyTo: String? = nil

    public var copyChatIds: [Int64] { (copyTo ?? "").split(separator: ",").compactMap { Int64($0) } }

    public init(
        id: String, updateId: Int64?, userId: Int64, chatId: Int64, threadId: Int64? = nil,
        replyToMessageId: Int64? = nil, workspace: String, prompt: String, status: JobStatus,
        executorId: String? = nil, attempt: Int, createdAt: EpochMillis
    ) {
        self.id = id
        self.updateId = updateId
        self.userId = userId
        self.chatId = chatId
        self.threadId = threadId
        self.replyToMessageId = replyToMessageId
        self.workspace = workspace
        self.prompt = prompt
        self.status = status
        self.executorId = executorId
        self.attempt = attempt
        self.createdAt = createdAt
    }
}
