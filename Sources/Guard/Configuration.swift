import AccessControl
import Ledger
import Messages
import PeerKeys
import Settings
import ToolPolicy
import Validation
/// Everything the guard needs, with the defaults documented in the README. Built from the environment in
/// `gatehouse` (one place), or directly by tests.
public struct GuardConfiguration: Sendable {
    public struct Endpoints: Sendable {
        /// Where ingress connects (ROUTER, bound).
        public var intake: String
        /// Where executors connect.
        public var work: String
        /// Where egress connects.
        public var delivery: String

        public init(intake: String, work: String, delivery: String) {
            self.intake = intake
            self.work = work
            self.delivery = delivery
        }
    }

    public struct Claude: Sendable {
        public var model: String?
        public var maxTurns: Int?
        public var timeoutSeconds: Int

        public init(model: String? = nil, maxTurns: Int? = nil, timeoutSeconds: Int = 600) {
            self.model = model
            self.maxTurns = maxTurns
            self.timeoutSeconds = timeoutSeconds
        }
    }

    public struct Timing: Sendable {
        /// How often peers and the guard exchange heartbeats.
        public var heartbeatIntervalMs: Int64 = 1_000
        /// A peer silent this long is presumed dead (about three missed heartbeats).
        public var peerTimeoutMs: Int64 = 3_500
        /// `typing` lasts ~5 s in Telegram; repeat it a little sooner while a job runs.
        public var typingIntervalMs: Int64 = 4_000
        /// A delivery handed to egress without an answer after this long is handed out again.
        public var deliveryTimeoutMs: Int64 = 30_000
        /// A job handed to an executor that neither accepted nor refused it after this long is dispatched again.
        public var dispatchTimeoutMs: Int64 = 10_000
        /// After an intake batch that sends a new job's `typing`, the job's dispatch and the batch's acknowledgements
        /// wait this long, so that the typing leaves before the dispatch, the CLI's start and ingress's next
        /// `getUpdates` compete with it for the CPU (`FollowUpHold`).
        public var followUpHoldMs: Int64 = 1

        public init() {}
    }

    /// Who gets in, and how much they may use (the seeds' security model).
    public struct Access: Sendable {
        /// `ENABLE_TOKEN_AUTH` with `AUTH_TOKEN_SECRET`: people not on the allowlist may prove a token with `/auth`.
        public var tokenSecret: Secret?
        /// An authenticated session ends after this long without a message (`SESSION_TIMEOUT_HOURS`).
        public var sessionTimeoutMs: Int64 = 24 * 3_600_000
        /// `RATE_LIMIT_REQUESTS` per `RATE_LIMIT_WINDOW` seconds, burst `RATE_LIMIT_BURST`.
        public var rateLimit = RateLimit(requests: 10, windowSeconds: 60, burst: 20)
        /// `CLAUDE_MAX_COST_PER_USER`, `CLAUDE_MAX_COST_PER_REQUEST`, `CLAUDE_MAX_COST_DAILY`.
        public var costLimits = CostLimits(perUserDailyUsd: 10, perRequestUsd: nil, globalDailyUsd: nil)
        public var lockout = LockoutPolicy()
        public var anomaly = AnomalyPolicy()
        /// Strangers and blocked people get one refusal per this interval; the rest is audited only, so a flood
        /// of them cannot make the bot flood Telegram.
        public var refusalIntervalMs: Int64 = 600_000
        /// People who may use the bot get one "slow down" (or "cost limit reached") answer per this window; later
        /// ones within it are audited only, so a later refusal of another kind (a block) is not queued behind them.
        public var limitRefusalWindowMs: Int64 = 60_000

        public init() {}
    }

    public var endpoints: Endpoints
    public var databasePath: String
    /// The root of every workspace, as the executors see it too.
    public var approvedDirectory: String
    public var allowedUsers: Set<Int64>
    public var adminUsers: Set<Int64>
    public var claude: Claude
    public var timing: Timing
    public var access = Access()
    /// Each person in their own directory (the default) or everyone in the approved directory (`WORKSPACE_MODE`).
    public var workspaceMode = GuardConfiguration.defaultWorkspaceMode
    public static let defaultWorkspaceMode = WorkspaceMode.adminsShared
    /// Executors share Claude's session transcripts (a shared `CLAUDE_HOME` volume, `SHARED_SESSIONS`): any of them
    /// may continue any session.
    public var sharedSessions = false
    /// The models `/model` offers (`CLAUDE_ALLOWED_MODELS`); empty: `/model` only shows the configured one.
    public var allowedModels: [String] = []
    /// Uploads: size limit and allowed types.
    public var uploads = UploadPolicy()
    /// Seals stored message content (`DATA_ENCRYPTION_KEY`); nil stores it in clear (development only).
    public var dataCipher: ContentCipher?
    /// Unanswered tool-permission questions are denied after this long (`APPROVAL_TIMEOUT_SECONDS`).
    public var approvalTimeoutSeconds: Int = 300
    /// The operator's additions to the tool policy (`POLICY_FILE`).
    public var toolPolicy = ToolPolicyFile()
    /// CURVE on the `tcp://` endpoints; nil keeps every endpoint plaintext (single host, or development).
    public var linkSecurity: GuardLinkSecurity?
    /// Signs every job (`GATEHOUSE_JOB_SIGNING_KEY_FILE`); nil sends jobs unsigned (tests, development).
    public var jobSigner: JobSigner?
    /// Where the program reports whether it is really working (`gatehouse health`).
    public var health: HealthSignal?
    /// Which webhook events start which prompts (`WEBHOOK_RULES_FILE`).
    public var webhooks = WebhookRules()
    /// Scheduled prompts (`ENABLE_SCHEDULER`, `SCHEDULE_TIME_ZONE`, `SCHEDULES_PER_PERSON`).
    public var scheduler = ScheduleBook.Configuration()
    /// `host:port` of the Prometheus endpoint (`METRICS_ADDRESS`); nil: metrics off.
    public var metricsAddress: String?

    public init(
        endpoints: Endpoints, databasePath: String, approvedDirectory: String, allowedUsers: Set<Int64>,
        adminUsers: Set<Int64> = [], claude: Claude = .init(), timing: Timing = .init()
    ) {
        self.endpoints = endpoints
        self.databasePath = databasePath
        self.approvedDirectory = approvedDirectory
        self.allowedUsers = allowedUsers
        self.adminUsers = adminUsers
        self.claude = claude
        self.timing = timing
    }
}
