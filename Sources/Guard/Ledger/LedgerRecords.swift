import Messages

/// One Telegram update the guard has committed. Its `updateId` is the primary key: a repeat is a duplicate.
public struct UpdateRecord: Codable, Sendable, Equatable {
    public var updateId: Int64
    public var receivedAt: Int64
    public var committedAt: Int64
    public var userId: Int64?
    public var chatId: Int64?
    public var kind: String
    /// What the guard decided: an `UpdateDisposition`'s raw value. A string, because rows stored by other builds
    /// are read back (`/mydata`) and must not fail to decode.
    public var disposition: String

    public init(
        updateId: Int64, receivedAt: Int64, committedAt: Int64, userId: Int64?, chatId: Int64?, kind: String,
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
        updateId: Int64, receivedAt: Int64, committedAt: Int64, userId: Int64?, chatId: Int64?, kind: String,
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
    public var createdAt: Int64
    public var dispatchedAt: Int64?
    public var startedAt: Int64?
    public var finishedAt: Int64?
    public var sessionId: String?
    public var costUSD: Double?
    public var outcome: String?
    public var errorDetail: String?
    /// The "working…" message shown while the job runs (with its Stop button), to remove when it ends.
    public var statusMessageId: Int64?
    /// Not dispatched before this (an album waits a moment for its other parts).
    public var notBefore: Int64?
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
        executorId: String? = nil, attempt: Int, createdAt: Int64
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
    public var nextAttemptAt: Int64
    public var createdAt: Int64
    public var sentAt: Int64?
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
}

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
    public var createdAt: Int64
    public var expiresAt: Int64
    public var usedAt: Int64?
    public var approvalId: String?
    /// For `answer`: which question of the approval, and which of its options.
    public var question: Int?
    public var choice: Int?
    /// What a chat surface button acts on (a directory, a session id, a model).
    public var argument: String?

    public init(
        nonce: String, action: Action, jobId: String, userId: Int64, chatId: Int64, createdAt: Int64, expiresAt: Int64,
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
    public var createdAt: Int64
    public var expiresAt: Int64
    public var decidedAt: Int64?
    public var decidedBy: Int64?
    /// The outbox entries holding the question message(s), comma-separated.
    public var outboxIds: String
    /// AskUserQuestion: chosen option labels by question index, as JSON.
    public var answers: String?
    public var message: String?
}

/// "Allow for this session": a tool (and, for Bash, the exact command) allowed without asking for the rest of one
/// Claude session. `scope` is `session:<id>`, or `job:<id>` until the job's session id is known.
public struct SessionRuleRecord: Codable, Sendable, Equatable {
    public var scope: String
    public var toolName: String
    public var signature: String
    public var createdAt: Int64

    public init(scope: String, toolName: String, signature: String, createdAt: Int64) {
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
    public var updatedAt: Int64

    public init(userId: Int64, workspace: String, sessionId: String, executorId: String?, updatedAt: Int64) {
        self.userId = userId
        self.workspace = workspace
        self.sessionId = sessionId
        self.executorId = executorId
        self.updatedAt = updatedAt
    }
}

/// One entry of the append-only audit log. `hash` commits to the entry and to `prevHash`.
/// Entries name a person by `subject`, a random pseudonym the ledger maps to the user id in a separate table, and
/// the detail of an entry about a person is sealed with that person's own key (`AuditDetailSeal`): erasing someone
/// (`/forgetme`) deletes the mapping and the key, so their entries stay, chain intact, but nothing in them can be
/// read or tied to them any more. (Entries written before pseudonyms existed carry `userId` instead.)
public struct AuditRecord: Codable, Sendable, Equatable {
    public var seq: Int64?
    public var at: Int64
    public var userId: Int64?
    public var subject: String?
    public var event: String
    /// As stored and hashed: sealed for entries about a person.
    public var detail: String
    public var prevHash: String
    public var hash: String
    /// `detail` opened with its person's key when read (not stored); "[erased]" once that key is gone.
    public var openedDetail: String? = nil

    /// What the entry says, opened where it can be.
    public var text: String { openedDetail ?? detail }

    enum CodingKeys: String, CodingKey {
        case seq, at, userId, subject, event, detail, prevHash, hash
    }
}

/// An audit event before it is chained (the ledger assigns `prevHash`, `hash` and `seq` when it appends).
public struct AuditEvent: Sendable, Equatable {
    public var at: Int64
    /// Who acted (or was refused).
    public var userId: Int64?
    public var event: AuditEventName
    public var detail: String
    /// The person the entry is about when that is not its actor (an admin blocking someone, a button of someone
    /// else's): the detail is sealed with that person's key, so erasing them unlinks it too.
    public var about: Int64?

    public init(at: Int64, userId: Int64?, event: AuditEventName, detail: String, about: Int64? = nil) {
        self.at = at
        self.userId = userId
        self.event = event
        self.detail = detail
        self.about = about
    }
}

/// Everything one decision changes, applied atomically: all of it is stored, or none of it.
public struct LedgerChanges: Sendable {
    /// If set, the changes apply only if this update was never committed before.
    public var newUpdate: UpdateRecord?
    /// Likewise for a webhook delivery: the changes apply only if its (hook, delivery id) was never committed.
    public var webhookDelivery: WebhookDeliveryRecord?
    public var jobs: [JobRecord] = []
    public var outbox: [OutboxRecord] = []
    public var sessions: [SessionRecord] = []
    public var buttons: [ButtonRecord] = []
    public var preferences: [PreferencesRecord] = []
    public var approvals: [ApprovalRecord] = []
    public var rules: [SessionRuleRecord] = []
    public var members: [MemberRecord] = []
    public var tokens: [AccessTokenRecord] = []
    public var authSessions: [AuthSessionRecord] = []
    /// Sessions of these people end (timeout, block, erasure).
    public var endedAuthSessions: [Int64] = []
    public var lockouts: [LockoutRecord] = []
    public var rateBuckets: [RateBucketRecord] = []
    public var usage: [UsageRecord] = []
    public var sessionHistory: [SessionHistoryRecord] = []
    public var topicBindings: [TopicBindingRecord] = []
    public var jobFiles: [JobFileRecord] = []
    /// Tool calls the guard allowed, by attempt (kept until their job ends).
    public var jobTools: [JobToolRecord] = []
    /// `/new`: these (person, workspace) pairs start a fresh Claude session next time.
    public var endedSessions: [SessionKey] = []
    /// Erase everything stored about these people (`/forgetme`), after everything else in these changes is stored
    /// (so that nothing the same decision wrote about them stays); replies of kind `OutboxKind.ephemeral` survive
    /// until sent.
    public var erasures: [Int64] = []
    /// Outbox entries to delete (an ephemeral reply once Telegram answered it).
    public var deletedOutbox: [String] = []
    /// Schedules made, changed or run (`nextRunAt` moved in the same transaction as the run's job: never twice).
    public var schedules: [ScheduleRecord] = []
    public var deletedSchedules: [String] = []
    public var audit: [AuditEvent] = []

    public init(
        newUpdate: UpdateRecord? = nil, jobs: [JobRecord] = [], outbox: [OutboxRecord] = [],
        sessions: [SessionRecord] = [], buttons: [ButtonRecord] = [], approvals: [ApprovalRecord] = [],
        audit: [AuditEvent] = []
    ) {
        self.newUpdate = newUpdate
        self.jobs = jobs
        self.outbox = outbox
        self.sessions = sessions
        self.buttons = buttons
        self.approvals = approvals
        self.audit = audit
    }

    /// Stores only the update and its audit entries: nothing another update's decision reads (people, sessions,
    /// limits, jobs, the outbox). Such changes may wait for a group commit while later updates are decided.
    public var storesOnlyUpdateAndAudit: Bool {
        var rest = self
        rest.newUpdate = nil
        rest.audit = []
        return rest.isEmpty
    }

    public var isEmpty: Bool {
        newUpdate == nil && jobs.isEmpty && outbox.isEmpty && sessions.isEmpty && buttons.isEmpty && preferences.isEmpty
            && approvals.isEmpty && rules.isEmpty && audit.isEmpty && members.isEmpty && tokens.isEmpty
            && authSessions.isEmpty && endedAuthSessions.isEmpty && lockouts.isEmpty && rateBuckets.isEmpty
            && usage.isEmpty && erasures.isEmpty && sessionHistory.isEmpty && topicBindings.isEmpty && jobFiles.isEmpty
            && endedSessions.isEmpty && jobTools.isEmpty && deletedOutbox.isEmpty && schedules.isEmpty
            && deletedSchedules.isEmpty && webhookDelivery == nil
    }
}
