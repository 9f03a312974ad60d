import Messages

/// A prompt that runs on a cron schedule (`/schedule add`, `gatehouse schedule add`), as its owner would have sent it.
public struct ScheduleRecord: Codable, Sendable, Equatable {
    /// Short, typed by people in `/schedule pause <id>`.
    public var id: String
    /// Whose limits, standing and workspace the runs use.
    public var ownerId: Int64
    /// Where the answers go.
    public var chatId: Int64
    public var threadId: Int64?
    /// Relative to `APPROVED_DIRECTORY`: the owner's directory when the schedule was made.
    public var workspace: String
    /// Five cron fields, or `@daily` and the like.
    public var cron: String
    /// An IANA name such as `Europe/Berlin`.
    public var timeZone: String
    /// Sealed at rest like every prompt.
    public var prompt: String
    /// `run` or `skip` (`MissedRunPolicy`).
    public var missed: String
    public var paused: Bool
    /// When it runs next; nil when the expression never matches again.
    public var nextRunAt: EpochMillis?
    public var lastRunAt: EpochMillis?
    public var runs: Int
    public var createdAt: EpochMillis

    public init(
        id: String, ownerId: Int64, chatId: Int64, threadId: Int64?, workspace: String, cron: String, timeZone: String,
        prompt: String, missed: String, paused: Bool = false, nextRunAt: EpochMillis?, lastRunAt: EpochMillis? = nil, runs: Int = 0,
        createdAt: EpochMillis
    ) {
        self.id = id
        self.ownerId = ownerId
        self.chatId = chatId
        self.threadId = threadId
        self.workspace = workspace
        self.cron = cron
        self.timeZone = timeZone
        self.prompt = prompt
        self.missed = missed
        self.paused = paused
        self.nextRunAt = nextRunAt
        self.lastRunAt = lastRunAt
        self.runs = runs
        self.createdAt = createdAt
    }
}

/// A webhook delivery the guard committed: its (hook, delivery id) is what makes a sender's retry a duplicate.
public struct WebhookDeliveryRecord: Codable, Sendable, Equatable {
    public var hook: String
    public var deliveryId: String
    public var event: String?
    public var receivedAt: EpochMillis
    public var committedAt: EpochMillis
    /// `accepted` or `ignored` (`WebhookAck.Outcome`).
    public var outcome: String
    /// Jobs it started.
    public var runs: Int

    public init(
        hook: String, deliveryId: String, event: String?, receivedAt: EpochMillis, committedAt: EpochMillis, outcome: String,
        runs: Int
    ) {
        self.hook = hook
        self.deliveryId = deliveryId
        self.event = event
        self.receivedAt = receivedAt
        self.committedAt = committedAt
        self.outcome = outcome
        self.runs = runs
    }
}
