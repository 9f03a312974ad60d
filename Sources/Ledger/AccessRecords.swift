import Messages

/// A person's standing as decided at run time (by an admin, `gatehouse users`, or the anomaly detector). The
/// environment's `ALLOWED_USERS` and `ADMIN_USERS` apply when there is no record; a record's role overrides them,
/// except that admins named in `ADMIN_USERS` cannot be blocked from the chat.
public struct MemberRecord: Codable, Sendable, Equatable {
    public enum Role: String, Codable, Sendable, CaseIterable {
        case user, admin, blocked
    }

    public var userId: Int64
    /// nil: no decision of its own (the environment decides).
    public var role: Role?
    /// Who changed it last (a Telegram user id; nil for the command line or the guard itself).
    public var changedBy: Int64?
    public var changedAt: EpochMillis
    /// A temporary block (anomaly detection) that ends by itself.
    public var suspendedUntil: EpochMillis?
    public var reason: String?

    public init(
        userId: Int64, role: Role?, changedBy: Int64? = nil, changedAt: EpochMillis, suspendedUntil: EpochMillis? = nil,
        reason: String? = nil
    ) {
        self.userId = userId
        self.role = role
        self.changedBy = changedBy
        self.changedAt = changedAt
        self.suspendedUntil = suspendedUntil
        self.reason = reason
    }
}

/// An authentication token an admin issued to one person. Only its keyed hash is stored.
public struct AccessTokenRecord: Codable, Sendable, Equatable {
    public var id: String
    public var userId: Int64
    /// HMAC-SHA256 of the token under `AUTH_TOKEN_SECRET`, hex.
    public var hash: String
    public var issuedAt: EpochMillis
    public var expiresAt: EpochMillis
    public var revokedAt: EpochMillis?
    public var lastUsedAt: EpochMillis?

    public init(id: String, userId: Int64, hash: String, issuedAt: EpochMillis, expiresAt: EpochMillis) {
        self.id = id
        self.userId = userId
        self.hash = hash
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
    }
}

/// A person who proved a token; valid until `SESSION_TIMEOUT_HOURS` pass without a message from them.
public struct AuthSessionRecord: Codable, Sendable, Equatable {
    public var userId: Int64
    public var tokenId: String
    public var startedAt: EpochMillis
    public var lastSeenAt: EpochMillis

    public init(userId: Int64, tokenId: String, startedAt: EpochMillis, lastSeenAt: EpochMillis) {
        self.userId = userId
        self.tokenId = tokenId
        self.startedAt = startedAt
        self.lastSeenAt = lastSeenAt
    }
}

/// Recent failed `/auth` attempts of one person, and the lock they caused.
public struct LockoutRecord: Codable, Sendable, Equatable {
    public var userId: Int64
    /// Times of recent failures, comma-separated epoch milliseconds (only those inside the lockout window are kept).
    public var failures: String
    public var lockedUntil: EpochMillis?

    public init(userId: Int64, failures: [EpochMillis], lockedUntil: EpochMillis?) {
        self.userId = userId
        self.failures = failures.map(\.description).joined(separator: ",")
        self.lockedUntil = lockedUntil
    }

    public var failureTimes: [EpochMillis] { failures.split(separator: ",").compactMap { Int64($0).map { EpochMillis($0) } } }
}

/// A person's rate-limit bucket, kept so a restart does not refill it.
public struct RateBucketRecord: Codable, Sendable, Equatable {
    public var userId: Int64
    public var tokens: Double
    public var updatedAt: EpochMillis

    public init(userId: Int64, tokens: Double, updatedAt: EpochMillis) {
        self.userId = userId
        self.tokens = tokens
        self.updatedAt = updatedAt
    }
}

/// What one run cost, from the CLI's own `total_cost_usd`.
public struct UsageRecord: Codable, Sendable, Equatable {
    public var jobId: String
    public var userId: Int64
    public var at: EpochMillis
    public var costUSD: Double

    public init(jobId: String, userId: Int64, at: EpochMillis, costUSD: Double) {
        self.jobId = jobId
        self.userId = userId
        self.at = at
        self.costUSD = costUSD
    }
}

/// Everything stored about one person (`/mydata`), decrypted for them: one row per stored row, table by table, so
/// that nothing is left out and each entry can be checked against the database.
public struct PersonalData: Codable, Sendable {
    /// A few lines in words (what is here, and what is kept how long); the guard writes it.
    public var summary: String = ""
    public var userId: Int64
    public var member: MemberRecord?
    public var preferences: PreferencesRecord?
    /// The session each directory continues.
    public var sessions: [SessionRecord]
    /// Every session (`/resume`), with its first prompt.
    public var sessionHistory: [SessionHistoryRecord] = []
    /// Requests; a prompt is kept only until its job ends (then it reads "").
    public var jobs: [JobRecord]
    /// Replies to them or to their requests, with their text (a file's content is dropped once it was sent).
    public var replies: [Reply] = []
    /// Tool calls allowed in their running jobs (kept until the job ends).
    public var toolCalls: [JobToolRecord] = []
    /// Prompts they scheduled, with their times.
    public var schedules: [ScheduleRecord] = []
    /// Tool calls they were asked about, with the tool's input.
    public var approvals: [ApprovalRecord] = []
    /// Files waiting with a running job: names only (the content is theirs already).
    public var uploads: [Upload] = []
    /// The Telegram updates they sent: kind and what became of them, never their content.
    public var updates: [UpdateRecord] = []
    public var buttons: [ButtonRecord] = []
    public var usage: [UsageRecord]
    /// Token metadata only; the stored hashes are not personal data and are left out.
    public var tokens: [TokenSummary]
    public var authSession: AuthSessionRecord? = nil
    public var lockout: LockoutRecord? = nil
    public var rateBucket: RateBucketRecord? = nil
    /// Forum topics they bound to a directory.
    public var topicBindings: [TopicBindingRecord] = []
    /// Audit entries by them or about them, details opened.
    public var audit: [AuditEntry]

    public struct TokenSummary: Codable, Sendable, Equatable {
        public var id: String
        public var issuedAt: EpochMillis
        public var expiresAt: EpochMillis
        public var revokedAt: EpochMillis?
        public var lastUsedAt: EpochMillis?

        public init(id: String, issuedAt: EpochMillis, expiresAt: EpochMillis, revokedAt: EpochMillis? = nil, lastUsedAt: EpochMillis? = nil) {
            self.id = id
            self.issuedAt = issuedAt
            self.expiresAt = expiresAt
            self.revokedAt = revokedAt
            self.lastUsedAt = lastUsedAt
        }
    }

    public struct Reply: Codable, Sendable, Equatable {
        public var id: String
        public var jobId: String?
        public var chatId: Int64
        public var kind: String
        public var fileName: String?
        public var text: String
        public var status: String
        public var createdAt: EpochMillis
        public var sentAt: EpochMillis?

        public init(
            id: String, jobId: String? = nil, chatId: Int64, kind: String, fileName: String? = nil, text: String,
            status: String, createdAt: EpochMillis, sentAt: EpochMillis? = nil
        ) {
            self.id = id
            self.jobId = jobId
            self.chatId = chatId
            self.kind = kind
            self.fileName = fileName
            self.text = text
            self.status = status
            self.createdAt = createdAt
            self.sentAt = sentAt
        }
    }

    public struct Upload: Codable, Sendable, Equatable {
        public var jobId: String
        public var name: String
        public var isImage: Bool

        public init(jobId: String, name: String, isImage: Bool) {
            self.jobId = jobId
            self.name = name
            self.isImage = isImage
        }
    }

    public struct AuditEntry: Codable, Sendable, Equatable {
        public var seq: Int64?
        public var at: EpochMillis
        public var event: String
        public var detail: String
        /// "by you" (you acted or were refused) or "about you" (someone else acted on you).
        public var role: String

        public init(seq: Int64? = nil, at: EpochMillis, event: String, detail: String, role: String) {
            self.seq = seq
            self.at = at
            self.event = event
            self.detail = detail
            self.role = role
        }
    }

    public init(
        userId: Int64, member: MemberRecord?, preferences: PreferencesRecord?, sessions: [SessionRecord],
        jobs: [JobRecord], usage: [UsageRecord], tokens: [TokenSummary], audit: [AuditEntry]
    ) {
        self.userId = userId
        self.member = member
        self.preferences = preferences
        self.sessions = sessions
        self.jobs = jobs
        self.usage = usage
        self.tokens = tokens
        self.audit = audit
    }
}

extension PersonalData.Reply {
    package init(_ entry: OutboxRecord) {
        let isFile = entry.kind == "document" || entry.kind == "file"
        self.init(
            id: entry.id, jobId: entry.jobId, chatId: entry.chatId, kind: entry.kind ?? "message", fileName: entry.fileName,
            text: isFile && entry.status != .pending ? "" : entry.text, status: entry.status.rawValue,
            createdAt: entry.createdAt, sentAt: entry.sentAt)
    }
}

extension PersonalData.AuditEntry {
    package init(_ record: AuditRecord, userId: Int64) {
        self.init(
            seq: record.seq, at: record.at, event: record.event, detail: record.text,
            role: record.userId == userId ? "by you" : "about you")
    }
}

extension PersonalData.TokenSummary {
    package init(_ token: AccessTokenRecord) {
        self.init(
            id: token.id, issuedAt: token.issuedAt, expiresAt: token.expiresAt, revokedAt: token.revokedAt,
            lastUsedAt: token.lastUsedAt)
    }
}
