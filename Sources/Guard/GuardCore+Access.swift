import AccessControl
import Foundation
import Ledger
import Messages

/// Access: who someone is right now, what they may still spend (rate and cost), and what happens when someone's
/// behaviour looks like an attack.
extension GuardCore {
    var standingInputs: Standing.Inputs {
        Standing.Inputs(
            allowedUsers: configuration.allowedUsers, adminUsers: configuration.adminUsers,
            tokenAuthEnabled: tokens != nil, sessionTimeoutMs: configuration.access.sessionTimeoutMs)
    }

    func standing(of userId: Int64, now: Int64) throws -> Standing {
        let session = tokens == nil ? nil : try ledger.authSession(userId: userId)
        return Standing.of(userId, member: try ledger.member(userId: userId), session: session, inputs: standingInputs, now: now)
    }

    /// The limits on people who may use the bot: every prompt and command costs a rate-limit token (`/stop` and
    /// `/auth` are free: stopping must always work), and a prompt needs budget left.
    func admit(
        _ decision: IntakePolicy.Decision, userId: Int64, changes: inout LedgerChanges, now: Int64
    ) throws -> IntakePolicy.Decision {
        switch decision {
        case .runPrompt, .command:
            if case .command(let command) = decision, command == .stop { return decision }
            if case .command(.auth) = decision { return decision }
        case .reply, .refuse, .ignore, .button, .refuseButton:
            return decision
        }
        let limit = configuration.access.rateLimit
        let stored = try ledger.rateBucket(userId: userId)
        var bucket = stored.map { TokenBucket(tokens: $0.tokens, updatedAt: $0.updatedAt) } ?? TokenBucket.full(limit, now: now)
        let verdict = bucket.take(limit, now: now)
        changes.rateBuckets.append(RateBucketRecord(userId: userId, tokens: bucket.tokens, updatedAt: bucket.updatedAt))
        if case .refused(let retryAfterMs) = verdict {
            return .reply(
                text: ReplyTexts.rateLimited(retryAfterMs: retryAfterMs), event: .limitRate,
                reason: "\(limit.requests) requests per \(limit.windowSeconds) s (burst \(limit.burst)) used up; retry in \(retryAfterMs) ms")
        }
        if case .runPrompt = decision,
            case .refused(let reason, let retryAfterMs) = configuration.access.costLimits.check(
                userId: userId, entries: try costsToCheck(userId: userId, now: now), now: now)
        {
            return .reply(
                text: ReplyTexts.overBudget(reason, retryAfterMs: retryAfterMs), event: .limitCost, reason: reason)
        }
        return decision
    }

    /// Every run's cost over the last 24 hours.
    func recentCosts(now: Int64) throws -> [CostEntry] {
        try ledger.usage(since: now - CostLimits.dayMs).map(Self.costEntry)
    }

    /// One person's runs over the last 24 hours.
    func recentCosts(userId: Int64, now: Int64) throws -> [CostEntry] {
        try ledger.usage(userId: userId, since: now - CostLimits.dayMs).map(Self.costEntry)
    }

    /// What `CostLimits.check` needs to decide for this person: their own runs, and everyone's only when the team's
    /// total has reached the global limit (below it, everyone's runs cannot refuse anyone, and reading a busy
    /// team's whole day on every prompt was most of the guard's time per prompt).
    func costsToCheck(userId: Int64, now: Int64) throws -> [CostEntry] {
        if let global = configuration.access.costLimits.globalDailyUsd,
            try ledger.usageTotal(since: now - CostLimits.dayMs) >= global
        {
            return try recentCosts(now: now)
        }
        return try recentCosts(userId: userId, now: now)
    }

    private static func costEntry(_ usage: UsageRecord) -> CostEntry {
        CostEntry(at: usage.at, userId: usage.userId, costUsd: usage.costUSD)
    }

    /// The most one run may spend now: the per-request limit, and what is left of the person's and the global
    /// daily budgets, whichever is least (nil when nothing limits it).
    func runBudget(userId: Int64, now: Int64) throws -> Double? {
        let limits = configuration.access.costLimits
        guard limits.perRequestUsd != nil || limits.perUserDailyUsd != nil || limits.globalDailyUsd != nil else { return nil }
        var budget: [Double] = []
        if let perRequest = limits.perRequestUsd { budget.append(perRequest) }
        if let perUser = limits.perUserDailyUsd {
            budget.append(perUser - (try recentCosts(userId: userId, now: now)).reduce(0) { $0 + $1.costUsd })
        }
        if let global = limits.globalDailyUsd { budget.append(global - (try ledger.usageTotal(since: now - CostLimits.dayMs))) }
        return budget.min().map { max(0.01, $0) }
    }

    /// Feeds the detector with this update (and the violations its decision recorded); a crossing blocks the
    /// person for a while, ends their sign-in, and tells every admin.
    func watch(userId: Int64, changes: inout LedgerChanges, now: Int64) throws {
        guard !configuration.adminUsers.contains(userId) else { return }
        var verdicts: [AnomalyVerdict] = []
        if let verdict = anomalies.record(.request, userId: userId, now: now) { verdicts.append(verdict) }
        let violations = changes.audit.filter { AuditEventName.isSecurityEvent($0.event.rawValue) }
        for _ in violations {
            if let verdict = anomalies.record(.violation, userId: userId, now: now) { verdicts.append(verdict) }
        }
        guard case .block(let until, let reason)? = verdicts.first else { return }
        var member = try ledger.member(userId: userId) ?? MemberRecord(userId: userId, role: nil, changedAt: now)
        member.suspendedUntil = until
        member.changedAt = now
        member.changedBy = nil
        member.reason = reason
        changes.members.append(member)
        changes.endedAuthSessions.append(userId)
        changes.audit.append(AuditEvent(at: now, userId: userId, event: .securityAnomaly, detail: "blocked until \(until): \(reason)"))
        logger.warning("anomaly: user blocked for a while", metadata: ["user.id": "\(userId)", "reason": "\(reason)"])
        for admin in try adminIds() {
            changes.outbox.append(reply(
                ReplyTexts.anomalyNotice(userId: userId, reason: reason, until: until), chatId: admin, threadId: nil,
                replyTo: nil, now: now))
        }
        // The person is told at once (in their private chat), not on their next message; that next one is then
        // audited only, like any repeated refusal.
        if refusals.shouldAnswer(
            userId, reason: IntakePolicy.suspendedReason, now: now, intervalMs: configuration.access.refusalIntervalMs)
        {
            changes.outbox.append(reply(ReplyTexts.suspended(until: until), chatId: userId, threadId: nil, replyTo: nil, now: now))
        }
    }

    /// Admins from the configuration and those made admin at run time.
    func adminIds() throws -> [Int64] {
        let granted = try ledger.members().filter { $0.role == .admin }.map(\.userId)
        return Array(configuration.adminUsers.union(granted)).sorted()
    }

    /// About once a minute: signed-in sessions idle past the timeout end.
    func housekeeping(now: Int64) throws -> [Outbound] {
        guard now - lastHousekeeping >= 60_000 else { return [] }
        lastHousekeeping = now
        let idle = try ledger.idleAuthSessions(before: now - configuration.access.sessionTimeoutMs)
        guard !idle.isEmpty else { return [] }
        var changes = LedgerChanges()
        for session in idle {
            changes.endedAuthSessions.append(session.userId)
            changes.audit.append(AuditEvent(
                at: now, userId: session.userId, event: .authSessionExpired, detail: "token \(session.tokenId)"))
        }
        try ledger.apply(changes)
        logger.info("idle sign-in sessions ended", metadata: ["count": "\(idle.count)"])
        return []
    }
}
