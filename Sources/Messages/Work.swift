/// An executor announces itself: on connect, after reconnecting, and whenever the guard asks again.
public struct ExecutorReady: WireMessage, Equatable {
    public static let type = MessageType.executorReady

    public var executorId: String
    public var host: String
    /// How many jobs it runs at once.
    public var capacity: Int
    /// Jobs it is still running (after a guard restart, these are accepted back, not re-dispatched).
    public var runningJobIds: [String]
    /// New on every start of the executor process. A READY from the same process again (a re-registration) may
    /// predate jobs dispatched to it a moment ago; one from a new process means everything not listed is gone.
    public var processId: String?
    /// How its Claude Code CLIs are confined: "landlock <ABI>", or "off" when its operator opted out
    /// (`EXECUTOR_SANDBOX=off`). Absent from executors older than the field.
    public var confinement: String?

    public init(
        executorId: String, host: String, capacity: Int, runningJobIds: [String], processId: String? = nil,
        confinement: String? = nil
    ) {
        self.executorId = executorId
        self.host = host
        self.capacity = capacity
        self.runningJobIds = runningJobIds
        self.processId = processId
        self.confinement = confinement
    }
}

/// A job the guard gives one executor: run Claude Code once, in one workspace.
public struct JobAssignment: WireMessage, Equatable {
    public static let type = MessageType.job

    public var jobId: String
    /// 1 for the first dispatch; higher when re-dispatched after an executor died before starting it.
    public var attempt: Int
    public var userId: Int64
    public var chatId: Int64
    /// The working directory relative to the executor's `APPROVED_DIRECTORY` ("" is the root itself).
    public var workspace: String
    public var prompt: String
    /// The Claude session to continue, if any.
    public var resumeSessionId: String?
    public var model: String?
    public var maxTurns: Int?
    public var timeoutSeconds: Int
    public var issuedAt: EpochMillis
    /// After this the executor refuses the job (see `JobSignature`). Optional on the wire for older guards.
    public var expiresAt: EpochMillis?
    /// The guard's Ed25519 signature over `JobSignature.canonical`: "v1." + base64.
    public var signature: String?
    /// The most this run may spend (the per-request limit, or what is left of the person's or the daily budget).
    public var maxBudgetUSD: Double?
    /// Uploads to save into the workspace first; the executor tells Claude where they are.
    public var files: [JobFile]?
    /// The executor may allow by itself the tool calls its compiled-in default policy allows and classes read-only
    /// (Read, Grep, `ls`, `git status` …), and report each to the guard afterwards (`PermissionRequest`
    /// `decidedByExecutor`), instead of waiting for the guard's answer. Set when the operator's policy file changes
    /// nothing for such calls. Not signed: it cannot widen what the executor's own default policy allows.
    public var localReads: Bool?
    /// The Telegram update that caused the job, for the executor's log lines (`update.id`), so one update can be
    /// followed through every program's log. Not signed: it changes nothing but logs.
    public var updateId: Int64?
    /// The person's root (relative to the approved directory): after the run the executor reports the workspace's
    /// git state (`JobResult.project`) only for a repository inside it. Not signed: it only bounds what is reported.
    public var root: String?


    /// A budget as it is signed and as the CLI is given it (`--max-budget-usd`): dollars to four decimals.
    public static func budgetText(_ budget: Double?) -> String? { budget.map { String(format: "%.4f", $0) } }

    public init(
        jobId: String, attempt: Int, userId: Int64, chatId: Int64, workspace: String, prompt: String,
        resumeSessionId: String?, model: String?, maxTurns: Int?, timeoutSeconds: Int, issuedAt: EpochMillis
    ) {
        self.jobId = jobId
        self.attempt = attempt
        self.userId = userId
        self.chatId = chatId
        self.workspace = workspace
        self.prompt = prompt
        self.resumeSessionId = resumeSessionId
        self.model = model
        self.maxTurns = maxTurns
        self.timeoutSeconds = timeoutSeconds
        self.issuedAt = issuedAt
    }
}

/// The executor took the job into a slot (or refused it, with the reason).
public struct JobAccepted: WireMessage, Equatable {
    public static let type = MessageType.jobAccepted

    public var jobId: String
    public var attempt: Int
    public var accepted: Bool
    public var reason: String?
    /// Why it was refused, as a stable code: a `JobRefusal` (`no_slot`, `draining`, or a verification failure
    /// (`missing_signature`, `bad_signature`, `expired`, `replayed`), after which the guard stops sending
    /// that executor jobs), read as `refusalCode`.
    public var refusal: String?

    public init(jobId: String, attempt: Int, accepted: Bool, reason: String? = nil, refusal: String? = nil) {
        self.jobId = jobId
        self.attempt = attempt
        self.accepted = accepted
        self.reason = reason
        self.refusal = refusal
    }
}

/// The guard's answer to an acceptance: it has recorded the job as running on this executor, which may now start
/// Claude. Nothing is started before this arrives, so a job whose executor dies is either known not to have run
/// (dispatched again) or recorded as possibly run (interrupted, never re-run silently).
public struct JobGo: WireMessage, Equatable {
    public static let type = MessageType.jobGo

    public var jobId: String
    public var attempt: Int

    public init(jobId: String, attempt: Int) {
        self.jobId = jobId
        self.attempt = attempt
    }
}

/// The Claude process was started (after `JobGo`).
public struct JobStarted: WireMessage, Equatable {
    public static let type = MessageType.jobStarted

    public var jobId: String
    public var attempt: Int
    public var startedAt: EpochMillis

    public init(jobId: String, attempt: Int, startedAt: EpochMillis) {
        self.jobId = jobId
        self.attempt = attempt
        self.startedAt = startedAt
    }
}

/// Something Claude is doing, for the status line.
public struct JobProgress: WireMessage, Equatable {
    public static let type = MessageType.jobProgress

    public enum Kind: String, Codable, Sendable {
        case assistantText = "assistant_text"
        case toolUse = "tool_use"
        case toolResult = "tool_result"
        case retrying
    }

    public var jobId: String
    public var sequence: Int
    public var kind: Kind
    public var toolName: String?
    /// Short, display-ready, already redacted of secrets.
    public var summary: String

    public init(jobId: String, sequence: Int, kind: Kind, toolName: String? = nil, summary: String) {
        self.jobId = jobId
        self.sequence = sequence
        self.kind = kind
        self.toolName = toolName
        self.summary = summary
    }
}

/// Claude asked to use a tool; the executor waits for the guard's decision before answering Claude.
public struct PermissionRequest: WireMessage, Equatable {
    public static let type = MessageType.permissionRequest

    public var jobId: String
    /// Claude's control request id; unique within the job.
    public var requestId: String
    public var toolName: String
    public var input: JSONValue
    /// Claude's id of the tool call (the same call may be asked about through the hook and the permission prompt).
    public var toolUseId: String?
    /// What the executor found on its disk: the job's workspace holds files that usually carry credentials.
    public var workspaceHoldsSecrets: Bool?
    /// The executor already allowed this read-only call itself (`JobAssignment.localReads`): the guard records and
    /// audits it, and sends no decision.
    public var decidedByExecutor: Bool?
    /// The attempt of the job this call belongs to: a call of an attempt that is no longer current is denied.
    /// Absent from older executors.
    public var attempt: Int?

    public init(
        jobId: String, requestId: String, toolName: String, input: JSONValue, toolUseId: String? = nil,
        workspaceHoldsSecrets: Bool? = nil
    ) {
        self.jobId = jobId
        self.requestId = requestId
        self.toolName = toolName
        self.input = input
        self.toolUseId = toolUseId
        self.workspaceHoldsSecrets = workspaceHoldsSecrets
    }
}

public struct PermissionDecision: WireMessage, Equatable {
    public static let type = MessageType.permissionDecision

    public var jobId: String
    public var requestId: String
    public var allow: Bool
    /// Why it was denied; Claude sees this text.
    public var message: String?
    /// When allowed: run the tool with this input instead of the requested one (the user's answer to an
    /// AskUserQuestion travels this way).
    public var updatedInput: JSONValue?

    public init(jobId: String, requestId: String, allow: Bool, message: String?, updatedInput: JSONValue? = nil) {
        self.jobId = jobId
        self.requestId = requestId
        self.allow = allow
        self.message = message
        self.updatedInput = updatedInput
    }
}

/// How a job ended. The executor re-sends it until the guard answers with `JobResultAck`.
public struct JobResult: WireMessage, Equatable {
    public static let type = MessageType.jobResult

    public enum Outcome: String, Codable, Sendable {
        /// Claude finished and produced an answer.
        case completed
        /// Claude or the executor failed; `errorDetail` says how (for the log, not the user).
        case failed
        /// Stopped on request, or Claude ended without a result line.
        case cancelled
        /// Ran past `CLAUDE_TIMEOUT_SECONDS`.
        case timedOut = "timed_out"
        /// The CLI stopped the run at the job's `maxBudgetUSD`.
        case overBudget = "over_budget"
    }

    public var jobId: String
    public var attempt: Int
    public var outcome: Outcome
    public var text: String?
    public var costUSD: Double?
    public var sessionId: String?
    public var numTurns: Int?
    public var durationMs: Int64?
    public var errorDetail: String?
    public var finishedAt: EpochMillis
    /// `sessionId` can be continued: the run finished, or its transcript is on the executor's disk. Only then does
    /// the guard resume it later (a CLI killed before it saved its first turn leaves an id nothing can resume).
    /// Absent from older executors (then: only a completed run counts).
    public var sessionSaved: Bool?
    /// The session the job was to continue could not be (the CLI answered "No conversation found"), so the
    /// executor ran the prompt at once in a fresh session: the answer starts a new one.
    public var freshSession: Bool?
    /// The CLI ended without a result line and without being stopped (crashed, killed from outside, OOM): the
    /// attempt was lost like one whose executor died.
    public var cliDied: Bool?
    /// What the executor saw of the job's workspace after the run (git, pending changes, a test command): the guard
    /// offers quick actions from it. Absent from older executors, and when the run did not complete.
    public var project: ProjectFacts?
    /// For the person, shown before the answer: what the executor did with the uploads (an archive's unpacked
    /// files). Absent from older executors.
    public var notice: String?
    /// The job did not run because its uploads were refused (an archive that would not unpack safely): shown to
    /// the person instead of the failure message, which would hide the reason behind an incident id.
    public var refusalNotice: String?

    public init(
        jobId: String, attempt: Int, outcome: Outcome, text: String? = nil, costUSD: Double? = nil,
        sessionId: String? = nil, numTurns: Int? = nil, durationMs: Int64? = nil, errorDetail: String? = nil,
        finishedAt: EpochMillis
    ) {
        self.jobId = jobId
        self.attempt = attempt
        self.outcome = outcome
        self.text = text
        self.costUSD = costUSD
        self.sessionId = sessionId
        self.numTurns = numTurns
        self.durationMs = durationMs
        self.errorDetail = errorDetail
        self.finishedAt = finishedAt
    }
}

/// The guard committed a job's result; the executor may forget it.
public struct JobResultAck: WireMessage, Equatable {
    public static let type = MessageType.jobResultAck

    public var jobId: String
    /// What the person's next prompt in this chat would be started with, so that an executor keeping warm CLIs
    /// (`WARM_CLI_POOL`) can start one now; nil when there is no session to continue. Optional: older peers omit
    /// or ignore it.
    public var nextLaunch: WarmLaunch?

    public init(jobId: String, nextLaunch: WarmLaunch? = nil) {
        self.jobId = jobId
        self.nextLaunch = nextLaunch
    }
}

/// The CLI settings of a person's likely next job, as the guard would assign it now. A warm CLI started with them
/// is used only for a job whose signed assignment has exactly the same ones; anything else starts a CLI afresh.
public struct WarmLaunch: Codable, Sendable, Equatable, Hashable {
    public var userId: Int64
    /// Relative to `APPROVED_DIRECTORY`, as in `JobAssignment.workspace`.
    public var workspace: String
    public var resumeSessionId: String
    public var model: String?
    public var maxTurns: Int?
    public var maxBudgetUSD: Double?
    public var timeoutSeconds: Int

    public init(
        userId: Int64, workspace: String, resumeSessionId: String, model: String?, maxTurns: Int?, maxBudgetUSD: Double?,
        timeoutSeconds: Int
    ) {
        self.userId = userId
        self.workspace = workspace
        self.resumeSessionId = resumeSessionId
        self.model = model
        self.maxTurns = maxTurns
        self.maxBudgetUSD = maxBudgetUSD
        self.timeoutSeconds = timeoutSeconds
    }

    /// The launch a job's assignment asks for; nil for a job that starts a new session (nothing to have warmed).
    public init?(_ job: JobAssignment) {
        guard let resume = job.resumeSessionId else { return nil }
        self.init(
            userId: job.userId, workspace: job.workspace, resumeSessionId: resume, model: job.model, maxTurns: job.maxTurns,
            maxBudgetUSD: job.maxBudgetUSD, timeoutSeconds: job.timeoutSeconds)
    }

    /// Equal launches start the same CLI: the budget is compared as the CLI is given it (`--max-budget-usd`, four
    /// decimals), so a guard's floating-point noise does not waste a warm CLI.
    public func startsSameCLI(as other: WarmLaunch) -> Bool {
        var a = self, b = other
        a.maxBudgetUSD = nil
        b.maxBudgetUSD = nil
        return a == b && JobAssignment.budgetText(maxBudgetUSD) == JobAssignment.budgetText(other.maxBudgetUSD)
    }
}

/// Stop a job: the executor interrupts Claude, then terminates what is left.
public struct CancelJob: WireMessage, Equatable {
    public static let type = MessageType.cancelJob

    public var jobId: String
    public var reason: String

    public init(jobId: String, reason: String) {
        self.jobId = jobId
        self.reason = reason
    }
}
