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
    public var changedAt: Int64
    /// A temporary block (anomaly detection) that ends by itself.
    public var suspendedUntil: Int64?
    public var reason: String?

    public init(
        userId: Int64, role: Role?, changedBy: Int64? = nil, changedAt: Int64, suspendedUntil: Int64? = nil,
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
    public var issuedAt: Int64
    public var expiresAt: Int64
    public var revokedAt: Int64?
    public var lastUsedAt: Int64?

    public init(id: String, userId: Int64, hash: String, issuedAt: Int64, expiresAt: Int64) {
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
    public var startedAt: Int64
    public var lastSeenAt: Int64

    public init(userId: Int64, tokenId: String, startedAt: Int64, lastSeenAt: Int64) {
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
    public var lockedUntil: Int64?

    public init(userId: Int64, failures: [Int64], lockedUntil: Int64?) {
        self.userId = userId
        self.failures = failures.map(String.init).joined(separator: ",")
        self.lockedUntil = lockedUntil
    }

    public var failureTimes: [Int64] { failures.split(separator: ",").compactMap { Int64($0) } }
}

/// A person's rate-limit bucket, kept so a restart does not refill it.
public struct RateBucketRecord: Codable, Sendable, Equatable {
    public var userId: Int64
    public var tokens: Double
    public var updatedAt: Int64

    public init(userId: Int64, tokens: Double, updatedAt: Int64) {
        self.userId = userId
        self.tokens = tokens
        self.updatedAt = updatedAt
    }
}

/// What one run cost, from the CLI's own `total_cost_usd`.
public struct UsageRecord: Codable, Sendable, Equatable {
    public var jobId: String
    public var userId: Int64
    public var at: Int64
    public var costUSD: Double

    public init(jobId: String, userId: Int64, at: Int64, costUSD: Double) {
        self.jobId = jobId
        self.userId = userId
        self.at = at
        self.costUSD = costUSD
    }
}

/// Everything stored about one person, as `/mydata` sends it.
public struct PersonalData: Codable, Sendable {
    public var userId: Int64
    public var member: MemberRecord?
    public var preferences: PreferencesRecord?
    public var sessions: [SessionRecord]
    public var jobs: [JobRecord]
    public var usage: [UsageRecord]
    /// Token metadata only; the stored hashes are not personal data and are left out.
    public var tokens: [TokenSummary]
    public var audit: [AuditRecord]

    public struct TokenSummary: Codable, Sendable, Equatable {
        public var id: String
        public var issuedAt: Int64
        public var expiresAt: Int64
        public var revokedAt: Int64?
        public var lastUsedAt: Int64?
    }
}

extension PersonalData.TokenSummary {
    init(_ token: AccessTokenRecord) {
        self.init(
            id: token.id, issuedAt: token.issuedAt, expiresAt: token.expiresAt, revokedAt: token.revokedAt,
            lastUsedAt: token.lastUsedAt)
    }
}
