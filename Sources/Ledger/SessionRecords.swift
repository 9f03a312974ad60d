import Messages

/// A user's own settings.
public struct PreferencesRecord: Codable, Sendable, Equatable {
    public var userId: Int64
    /// How much of Claude's work the status message shows: 0 nothing, 1 tools, 2 tools and Claude's remarks.
    public var verbosity: Int
    /// Where the person works, relative to their root ("" is the root itself).
    public var currentDirectory: String?
    /// The Claude model they chose with `/model` (nil: the configured default).
    public var model: String?

    public init(userId: Int64, verbosity: Int, currentDirectory: String? = nil, model: String? = nil) {
        self.userId = userId
        self.verbosity = verbosity
        self.currentDirectory = currentDirectory
        self.model = model
    }
}

/// What an inline button does when pressed. Its `callback_data` is only the nonce; everything else stays here,
/// so a forged or replayed press cannot ask for anything the guard did not offer.
public struct ButtonRecord: Codable, Sendable, Equatable {
    public enum Action: String, Codable, Sendable {
        /// Run an interrupted job's prompt again.
        case retry
        /// Stop a running or queued job.
        case stop
        /// Answers to a tool-permission question (`approvalId`).
        case allowOnce = "allow_once"
        case allowSession = "allow_session"
        case deny
        /// An option (`choice`) of an AskUserQuestion (`approvalId`, question `question`).
        case answer
        /// Chat surface buttons (no job): change to directory `argument`, resume session `argument`, pick model
        /// `argument`.
        case cd
        case resume
        case model
        /// Sends `argument` as if the person had typed it (a quick action's prompt, a `/git` view): it goes through
        /// the intake policy, the limits and the audit like any message.
        case typed
    }

    public var nonce: String
    public var action: Action
    public var jobId: String
    /// Only this person (or an admin) may press it.
    public var userId: Int64
    public var chatId: Int64
    public var createdAt: EpochMillis
    public var expiresAt: EpochMillis
    public var usedAt: EpochMillis?
    public var approvalId: String?
    /// For `answer`: which question of the approval, and which of its options.
    public var question: Int?
    public var choice: Int?
    /// What a chat surface button acts on (a directory, a session id, a model).
    public var argument: String?

    public init(
        nonce: String, action: Action, jobId: String, userId: Int64, chatId: Int64, createdAt: EpochMillis, expiresAt: EpochMillis,
        approvalId: String? = nil, question: Int? = nil, choice: Int? = nil
    ) {
        self.nonce = nonce
        self.action = action
        self.jobId = jobId
        self.userId = userId
        self.chatId = chatId
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.approvalId = approvalId
        self.question = question
        self.choice = choice
    }
}

/// A tool call (or an AskUserQuestion) waiting for the person whose job it is.
public struct ApprovalRecord: Codable, Sendable, Equatable {
    public enum Status: String, Codable, Sendable { case pending, allowed, denied, expired }

    public var id: String
    public var jobId: String
    /// Claude's control request id, unique within the job.
    public var requestId: String
    public var executorId: String
    public var userId: Int64
    public var chatId: Int64
    public var toolName: String
    /// The tool input as JSON (AskUserQuestion's questions, and the signature of a session rule).
    public var input: String
    public var status: Status
    public var createdAt: EpochMillis
    public var expiresAt: EpochMillis
    public var decidedAt: EpochMillis?
    public var decidedBy: Int64?
    /// The outbox entries holding the question message(s), comma-separated.
    public var outboxIds: String
    /// AskUserQuestion: chosen option labels by question index, as JSON.
    public var answers: String?
    public var message: String?

    public init(
        id: String, jobId: String, requestId: String, executorId: String, userId: Int64, chatId: Int64,
        toolName: String, input: String, status: Status, createdAt: EpochMillis, expiresAt: EpochMillis, decidedAt: EpochMillis? = nil,
        decidedBy: Int64? = nil, outboxIds: String, answers: String? = nil, message: String? = nil
    ) {
        self.id = id
        self.jobId = jobId
        self.requestId = requestId
        self.executorId = executorId
        self.userId = userId
        self.chatId = chatId
        self.toolName = toolName
        self.input = input
        self.status = status
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.decidedAt = decidedAt
        self.decidedBy = decidedBy
        self.outboxIds = outboxIds
        self.answers = answers
        self.message = message
    }
}

/// "Allow for this session": a tool (and, for Bash, the exact command) allowed without asking for the rest of one
/// Claude session. `scope` is `session:<id>`, or `job:<id>` until the job's session id is known.
public struct SessionRuleRecord: Codable, Sendable, Equatable {
    public var scope: String
    public var toolName: String
    public var signature: String
    public var createdAt: EpochMillis

    public init(scope: String, toolName: String, signature: String, createdAt: EpochMillis) {
        self.scope = scope
        self.toolName = toolName
        self.signature = signature
        self.createdAt = createdAt
    }
}

/// The Claude session a user continues in a workspace, and the executor whose disk holds its transcript.
public struct SessionRecord: Codable, Sendable, Equatable {
    public var userId: Int64
    public var workspace: String
    public var sessionId: String
    public var executorId: String?
    public var updatedAt: EpochMillis

    public init(userId: Int64, workspace: String, sessionId: String, executorId: String?, updatedAt: EpochMillis) {
        self.userId = userId
        self.workspace = workspace
        self.sessionId = sessionId
        self.executorId = executorId
        self.updatedAt = updatedAt
    }
}
