import Foundation
import Messages

/// One finished run's cost, as reported by Claude Code (`total_cost_usd`).
public struct CostEntry: Sendable, Equatable {
    /// Epoch milliseconds the run finished.
    public var at: EpochMillis
    public var userId: Int64
    public var costUsd: Double

    public init(at: EpochMillis, userId: Int64, costUsd: Double) {
        self.at = at
        self.userId = userId
        self.costUsd = costUsd
    }
}

public enum CostDecision: Sendable, Equatable {
    case allowed
    /// `retryAfterMs` is when enough spending has left the rolling day; nil when waiting will not help
    /// (a budget of zero, or a single run over the per-request budget).
    case refused(reason: String, retryAfterMs: Int64?)
}

/// Spending limits in US dollars. nil means no limit. The daily limits apply to a rolling 24 hours: a run
/// counts from the moment it finished until exactly 24 hours later.
public struct CostLimits: Sendable, Equatable {
    public var perUserDailyUsd: Double?
    public var perRequestUsd: Double?
    public var globalDailyUsd: Double?

    public static let dayMs: Int64 = 86_400_000

    public init(perUserDailyUsd: Double? = nil, perRequestUsd: Double? = nil, globalDailyUsd: Double? = nil) {
        self.perUserDailyUsd = perUserDailyUsd
        self.perRequestUsd = perRequestUsd
        self.globalDailyUsd = globalDailyUsd
    }

    /// May `userId` start a run at `now`? Refused when their own spending in the last 24 hours has reached
    /// `perUserDailyUsd`, or everyone's has reached `globalDailyUsd`. When both are reached, the reason names the
    /// user's budget and the retry time is the later of the two.
    public func check(userId: Int64, entries: [CostEntry], now: EpochMillis) -> CostDecision {
        let window = Self.inWindow(entries, now: now)
        var reasons: [String] = []
        var retryTimes: [Int64?] = []
        if let limit = perUserDailyUsd {
            let own = window.filter { $0.userId == userId }
            if let refusal = Self.refusal(of: own, limit: limit, now: now) {
                reasons.append(
                    "you have used \(Self.usd(refusal.total)) of your \(Self.usd(limit)) daily budget")
                retryTimes.append(refusal.retryAfterMs)
            }
        }
        if let limit = globalDailyUsd, let refusal = Self.refusal(of: window, limit: limit, now: now) {
            reasons.append(
                "the team has used \(Self.usd(refusal.total)) of the \(Self.usd(limit)) daily budget for everyone")
            retryTimes.append(refusal.retryAfterMs)
        }
        guard let reason = reasons.first else { return .allowed }
        let retry: Int64? = retryTimes.contains { $0 == nil } ? nil : retryTimes.compactMap { $0 }.max()
        return .refused(reason: reason, retryAfterMs: retry)
    }

    /// Checks a finished run against `perRequestUsd`, for the audit log and to tell the user.
    public func checkRequest(costUsd: Double) -> CostDecision {
        guard let limit = perRequestUsd, costUsd > limit else { return .allowed }
        return .refused(
            reason: "this request cost \(Self.usd(costUsd)), over the \(Self.usd(limit)) per-request budget",
            retryAfterMs: nil)
    }

    /// Each user's spending in the 24 hours before `now`.
    public func summary(entries: [CostEntry], now: EpochMillis) -> [Int64: Double] {
        var totals: [Int64: Double] = [:]
        for (userId, own) in Dictionary(grouping: Self.inWindow(entries, now: now), by: \.userId) {
            totals[userId] = Self.total(of: own)
        }
        return totals
    }

    /// Entries that count at `now`: finished less than 24 hours ago (later ones too, should the clock have
    /// stepped back), sorted oldest first, with meaningless costs (negative, NaN, infinite) dropped.
    private static func inWindow(_ entries: [CostEntry], now: EpochMillis) -> [CostEntry] {
        let (cutoff, early) = now.rawValue.subtractingReportingOverflow(dayMs)
        return entries
            .filter { (early || $0.at.rawValue > cutoff) && $0.costUsd.isFinite && $0.costUsd > 0 }
            .sorted { $0.at < $1.at }
    }

    /// Summed newest first, the same order `refusal` uses, so both always agree on a total.
    private static func total(of sorted: [CostEntry]) -> Double {
        sorted.reversed().reduce(0) { $0 + $1.costUsd }
    }

    /// When `sorted` (oldest first) has reached `limit`: the total, and how long from `now` until the oldest
    /// runs have left the window and the rest is below the limit.
    private static func refusal(of sorted: [CostEntry], limit: Double, now: EpochMillis) -> (total: Double, retryAfterMs: Int64?)? {
        // Totals of every suffix, summed from the newest end.
        var suffix = [Double](repeating: 0, count: sorted.count + 1)
        for index in stride(from: sorted.count - 1, through: 0, by: -1) {
            suffix[index] = suffix[index + 1] + sorted[index].costUsd
        }
        let total = suffix[0]
        guard total >= limit else { return nil }
        guard limit > 0 else { return (total, nil) }
        var index = 0
        while index < sorted.count {
            // Runs that finished at the same instant leave the window together.
            let leaving = sorted[index].at
            var next = index
            while next < sorted.count, sorted[next].at == leaving { next += 1 }
            if suffix[next] < limit {
                let (leavesAt, overflow) = leaving.rawValue.addingReportingOverflow(dayMs)
                return (total, overflow ? nil : max(1, leavesAt - now.rawValue))
            }
            index = next
        }
        return (total, nil)
    }

    private static func usd(_ amount: Double) -> String {
        "$" + String(format: "%.2f", amount)
    }
}
