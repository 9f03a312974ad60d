import Messages

/// A Claude session someone had, for `/resume`: where, since when, how it began, what it cost.
public struct SessionHistoryRecord: Codable, Sendable, Equatable {
    public var sessionId: String
    public var userId: Int64
    public var workspace: String
    public var executorId: String?
    public var startedAt: EpochMillis
    public var lastUsedAt: EpochMillis
    /// The first prompt, shortened (sealed at rest like every prompt).
    public var firstPrompt: String
    public var costUSD: Double
    public var runs: Int

    public init(
        sessionId: String, userId: Int64, workspace: String, executorId: String?, startedAt: EpochMillis, lastUsedAt: EpochMillis,
        firstPrompt: String, costUSD: Double, runs: Int
    ) {
        self.sessionId = sessionId
        self.userId = userId
        self.workspace = workspace
        self.executorId = executorId
        self.startedAt = startedAt
        self.lastUsedAt = lastUsedAt
        self.firstPrompt = firstPrompt
        self.costUSD = costUSD
        self.runs = runs
    }
}

/// A forum topic bound to a project directory (`/bind`): messages in it work there.
public struct TopicBindingRecord: Codable, Sendable, Equatable {
    public var chatId: Int64
    public var threadId: Int64
    /// Relative to `APPROVED_DIRECTORY`.
    public var workspace: String
    public var boundBy: Int64
    public var boundAt: EpochMillis

    public init(chatId: Int64, threadId: Int64, workspace: String, boundBy: Int64, boundAt: EpochMillis) {
        self.chatId = chatId
        self.threadId = threadId
        self.workspace = workspace
        self.boundBy = boundBy
        self.boundAt = boundAt
    }
}

/// An upload waiting with its job until an executor saves it. `data` is base64 (sealed at rest).
public struct JobFileRecord: Codable, Sendable, Equatable {
    public var jobId: String
    public var seq: Int
    public var name: String
    public var data: String
    public var isImage: Bool

    public init(jobId: String, seq: Int, name: String, data: String, isImage: Bool) {
        self.jobId = jobId
        self.seq = seq
        self.name = name
        self.data = data
        self.isImage = isImage
    }
}

/// A tool call the guard allowed in one attempt of a job, and whether it can change anything
/// (`ToolPolicy.effect`). A lost attempt with only read-only calls is run again by itself; one with a changing call
/// is interrupted, and the notice names what had run. Kept until the job ends.
public struct JobToolRecord: Codable, Sendable, Equatable {
    public var jobId: String
    public var attempt: Int
    /// Claude's control request id, unique within the attempt.
    public var requestId: String
    public var toolName: String
    /// One line for people (`ToolSummary.describe`: redacted of secrets, shortened); sealed at rest.
    public var summary: String
    public var changes: Bool
    public var allowedAt: EpochMillis

    public init(
        jobId: String, attempt: Int, requestId: String, toolName: String, summary: String, changes: Bool,
        allowedAt: EpochMillis
    ) {
        self.jobId = jobId
        self.attempt = attempt
        self.requestId = requestId
        self.toolName = toolName
        self.summary = summary
        self.changes = changes
        self.allowedAt = allowedAt
    }
}

public struct SessionKey: Sendable, Equatable, Hashable {
    public var userId: Int64
    public var workspace: String

    public init(userId: Int64, workspace: String) {
        self.userId = userId
        self.workspace = workspace
    }
}
