import Messages

/// What counts as unusual: more than `violationLimit` security violations within `violationWindowSeconds`, or
/// more than `requestLimit` requests within `requestWindowSeconds`. Either blocks the user for `blockSeconds`.
/// At most `maxTrackedUsers` users are remembered; the least recently seen is forgotten first (a tenth at a time).
public struct AnomalyPolicy: Sendable, Equatable {
    public var violationLimit: Int
    public var violationWindowSeconds: Int64
    public var requestLimit: Int
    public var requestWindowSeconds: Int64
    public var blockSeconds: Int64
    public var maxTrackedUsers: Int

    public init(
        violationLimit: Int = 5, violationWindowSeconds: Int64 = 60, requestLimit: Int = 30,
        requestWindowSeconds: Int64 = 60, blockSeconds: Int64 = 900, maxTrackedUsers: Int = 10_000
    ) {
        self.violationLimit = violationLimit
        self.violationWindowSeconds = violationWindowSeconds
        self.requestLimit = requestLimit
        self.requestWindowSeconds = requestWindowSeconds
        self.blockSeconds = blockSeconds
        self.maxTrackedUsers = maxTrackedUsers
    }
}

/// An event the detector counts.
public enum AnomalyKind: Sendable, Equatable, Hashable {
    /// A security violation: a refused path, a denied dangerous command, a failed authentication, …
    case violation
    /// Any request the user makes.
    case request
}

public enum AnomalyVerdict: Sendable, Equatable {
    /// Block the user until `untilMs` (the label predates `EpochMillis`; it is an instant) and tell the admins `reason`.
    case block(untilMs: EpochMillis, reason: String)
}

/// Counts each user's recent violations and requests in sliding windows, in memory. A user crossing a
/// threshold gets exactly one `.block` verdict; their counts then restart, and events recorded while the block
/// lasts are not counted (they would otherwise produce a second verdict for the same episode).
public struct AnomalyDetector: Sendable {
    public let policy: AnomalyPolicy

    private struct UserWindows: Sendable {
        var violations: [EpochMillis] = []
        var requests: [EpochMillis] = []
        var blockedUntil: EpochMillis?
        /// Order of last use, for evicting the least recently seen user.
        var lastSeen: UInt64 = 0
    }

    private var users: [Int64: UserWindows] = [:]
    private var clock: UInt64 = 0

    public init(policy: AnomalyPolicy = AnomalyPolicy()) {
        self.policy = policy
    }

    /// Number of users currently remembered (never more than `policy.maxTrackedUsers`).
    public var trackedUserCount: Int { users.count }

    /// Counts one event at `now` (epoch milliseconds); returns a verdict only when this event crosses a threshold.
    public mutating func record(_ kind: AnomalyKind, userId: Int64, now: EpochMillis) -> AnomalyVerdict? {
        clock &+= 1
        var state = users.removeValue(forKey: userId) ?? UserWindows()
        state.lastSeen = clock
        defer {
            makeRoom(now: now)
            users[userId] = state
        }

        if let until = state.blockedUntil {
            if now < until { return nil }
            state.blockedUntil = nil
        }

        let limit: Int
        let windowSeconds: Int64
        let noun: String
        switch kind {
        case .violation:
            (limit, windowSeconds, noun) = (max(policy.violationLimit, 0), policy.violationWindowSeconds, "security violation")
            state.violations = Self.appending(now, to: state.violations, windowMs: Self.milliseconds(windowSeconds))
            guard state.violations.count > limit else { return nil }
        case .request:
            (limit, windowSeconds, noun) = (max(policy.requestLimit, 0), policy.requestWindowSeconds, "request")
            state.requests = Self.appending(now, to: state.requests, windowMs: Self.milliseconds(windowSeconds))
            guard state.requests.count > limit else { return nil }
        }

        let until = now.adding(saturating: Self.milliseconds(policy.blockSeconds))
        let count = limit + 1
        let reason = "\(count) \(noun)\(count == 1 ? "" : "s") within \(max(windowSeconds, 1)) s"
        state.violations = []
        state.requests = []
        state.blockedUntil = until
        return .block(untilMs: until, reason: reason)
    }

    /// Forgets everything about a user, e.g. after an admin lifted their block.
    public mutating func forget(userId: Int64) {
        users[userId] = nil
    }

    /// Keeps the events still inside the window ending at `now` (newer than `now - windowMs`), then adds `now`.
    private static func appending(_ now: EpochMillis, to times: [EpochMillis], windowMs: Int64) -> [EpochMillis] {
        let (cutoff, early) = now.rawValue.subtractingReportingOverflow(windowMs)
        var kept = early ? times : times.filter { $0.rawValue > cutoff }
        kept.append(now)
        return kept
    }

    /// Before adding a user to a full table: drop users with nothing left to remember at `now`; if that frees less
    /// than a tenth of the table, the least recently seen too, down to nine tenths. Its linear cost is paid once per
    /// `maxTrackedUsers / 10` newcomers, not for each one (a flood of more distinct strangers than the table holds
    /// otherwise paid it on every update).
    private mutating func makeRoom(now: EpochMillis) {
        let capacity = max(policy.maxTrackedUsers, 1)
        guard users.count >= capacity else { return }
        let violationCutoff = now.adding(saturating: -Self.milliseconds(policy.violationWindowSeconds))
        let requestCutoff = now.adding(saturating: -Self.milliseconds(policy.requestWindowSeconds))
        users = users.filter { _, state in
            if let until = state.blockedUntil, until > now { return true }
            return state.violations.contains { $0 > violationCutoff } || state.requests.contains { $0 > requestCutoff }
        }
        let target = capacity - max(1, capacity / 10)
        guard users.count > target else { return }
        for (userId, _) in users.sorted(by: { $0.value.lastSeen < $1.value.lastSeen }).prefix(users.count - target) {
            users[userId] = nil
        }
    }

    private static func milliseconds(_ seconds: Int64) -> Int64 {
        let (ms, overflow) = max(seconds, 1).multipliedReportingOverflow(by: 1000)
        return overflow ? .max : ms
    }
}
