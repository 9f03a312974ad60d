import Messages
import Testing

@testable import AccessControl

@Suite struct CostLimitsTests {
    let now: EpochMillis = 1_700_000_000_000
    let hour: Int64 = 3_600_000
    let day: Int64 = 86_400_000

    @Test func noLimitsAllowEverything() {
        let entries = [CostEntry(at: now - 1, userId: 1, costUsd: 1_000)]
        #expect(CostLimits().check(userId: 1, entries: entries, now: now) == .allowed)
        #expect(CostLimits().checkRequest(costUsd: 1_000) == .allowed)
    }

    @Test func userUnderTheLimitIsAllowed() {
        let limits = CostLimits(perUserDailyUsd: 5)
        let entries = [CostEntry(at: now - hour, userId: 1, costUsd: 2.5), CostEntry(at: now - 1, userId: 1, costUsd: 2.25)]
        #expect(limits.check(userId: 1, entries: entries, now: now) == .allowed)
    }

    @Test func userAtOrOverTheLimitIsRefusedUntilEnoughLeavesTheWindow() {
        let limits = CostLimits(perUserDailyUsd: 5)
        let entries = [
            CostEntry(at: now - 20 * hour, userId: 1, costUsd: 1.5),
            CostEntry(at: now - 10 * hour, userId: 1, costUsd: 2),
            CostEntry(at: now - 1 * hour, userId: 1, costUsd: 1.62),
            CostEntry(at: now - 2 * hour, userId: 2, costUsd: 100),  // someone else's spending
        ]
        // 5.12 used; dropping the 1.50 leaves 3.62 < 5, which happens 4 hours from now.
        #expect(limits.check(userId: 1, entries: entries, now: now)
            == .refused(reason: "you have used $5.12 of your $5.00 daily budget", retryAfterMs: 4 * hour))
        #expect(limits.check(userId: 1, entries: entries, now: now + 4 * hour - 1) != .allowed)
        #expect(limits.check(userId: 1, entries: entries, now: now + 4 * hour) == .allowed)
        #expect(limits.check(userId: 3, entries: entries, now: now) == .allowed)
    }

    @Test func exactlyAtTheLimitCountsAsSpent() {
        let limits = CostLimits(perUserDailyUsd: 1)
        let entries = [CostEntry(at: now - hour, userId: 1, costUsd: 0.5), CostEntry(at: now - 1, userId: 1, costUsd: 0.5)]
        #expect(limits.check(userId: 1, entries: entries, now: now)
            == .refused(reason: "you have used $1.00 of your $1.00 daily budget", retryAfterMs: day - hour))
    }

    @Test func retryWaitsForSeveralRunsWhenOneIsNotEnough() {
        let limits = CostLimits(perUserDailyUsd: 1)
        let entries = [
            CostEntry(at: now - 23 * hour, userId: 1, costUsd: 0.25),
            CostEntry(at: now - 22 * hour, userId: 1, costUsd: 0.25),
            CostEntry(at: now - 21 * hour, userId: 1, costUsd: 0.25),
            CostEntry(at: now - 1 * hour, userId: 1, costUsd: 0.75),
        ]
        // 1.50 used; needs 0.75 + at most 0.25 → both of the first two, and the third, must go: 0.75 < 1.
        guard case .refused(_, let retry?) = limits.check(userId: 1, entries: entries, now: now) else {
            Issue.record("expected a refusal with a retry time")
            return
        }
        #expect(retry == 3 * hour)
        #expect(limits.check(userId: 1, entries: entries, now: now + retry - 1) != .allowed)
        #expect(limits.check(userId: 1, entries: entries, now: now + retry) == .allowed)
    }

    @Test func rollingWindowEdgeIsExactly24Hours() {
        let limits = CostLimits(perUserDailyUsd: 1)
        let entries = [CostEntry(at: now - day, userId: 1, costUsd: 5)]
        #expect(limits.check(userId: 1, entries: entries, now: now) == .allowed)  // exactly 24 h old: gone
        #expect(limits.check(userId: 1, entries: entries, now: now - 1)
            == .refused(reason: "you have used $5.00 of your $1.00 daily budget", retryAfterMs: 1))
        #expect(limits.summary(entries: entries, now: now) == [:])
        #expect(limits.summary(entries: entries, now: now - 1) == [1: 5])
    }

    @Test func runsFinishingTogetherLeaveTogether() {
        let limits = CostLimits(perUserDailyUsd: 1)
        let at = now - 12 * hour
        let entries = [CostEntry(at: at, userId: 1, costUsd: 0.5), CostEntry(at: at, userId: 1, costUsd: 0.5)]
        #expect(limits.check(userId: 1, entries: entries, now: now)
            == .refused(reason: "you have used $1.00 of your $1.00 daily budget", retryAfterMs: 12 * hour))
    }

    @Test func globalCeilingAppliesToEveryone() {
        let limits = CostLimits(perUserDailyUsd: 10, globalDailyUsd: 20)
        let entries = [
            CostEntry(at: now - 5 * hour, userId: 1, costUsd: 9),
            CostEntry(at: now - 3 * hour, userId: 2, costUsd: 9),
            CostEntry(at: now - 1 * hour, userId: 3, costUsd: 2.5),
        ]
        let refusal = CostDecision.refused(
            reason: "the team has used $20.50 of the $20.00 daily budget for everyone", retryAfterMs: 19 * hour)
        #expect(limits.check(userId: 4, entries: entries, now: now) == refusal)
        #expect(limits.check(userId: 1, entries: entries, now: now) == refusal)
        #expect(limits.check(userId: 4, entries: entries, now: now + 19 * hour) == .allowed)
    }

    @Test func whenBothAreReachedTheUserBudgetIsNamedAndTheLaterRetryWins() {
        let limits = CostLimits(perUserDailyUsd: 5, globalDailyUsd: 8)
        let entries = [
            CostEntry(at: now - 20 * hour, userId: 1, costUsd: 6),  // user 1 back under at +4 h
            CostEntry(at: now - 2 * hour, userId: 2, costUsd: 5),  // team (15) back under only at +22 h
            CostEntry(at: now - 1 * hour, userId: 2, costUsd: 4),
        ]
        #expect(limits.check(userId: 1, entries: entries, now: now)
            == .refused(reason: "you have used $6.00 of your $5.00 daily budget", retryAfterMs: 22 * hour))
        #expect(limits.check(userId: 1, entries: entries, now: now + 22 * hour) == .allowed)
        #expect(limits.check(userId: 1, entries: entries, now: now + 22 * hour - 1) != .allowed)
    }

    @Test func zeroBudgetRefusesWithoutARetryTime() {
        let limits = CostLimits(perUserDailyUsd: 0)
        #expect(limits.check(userId: 1, entries: [], now: now)
            == .refused(reason: "you have used $0.00 of your $0.00 daily budget", retryAfterMs: nil))
    }

    @Test func meaninglessCostsAreIgnored() {
        let limits = CostLimits(perUserDailyUsd: 1)
        let entries = [
            CostEntry(at: now - 1, userId: 1, costUsd: .nan), CostEntry(at: now - 1, userId: 1, costUsd: .infinity),
            CostEntry(at: now - 1, userId: 1, costUsd: -50), CostEntry(at: now - 1, userId: 1, costUsd: 0.5),
        ]
        #expect(limits.check(userId: 1, entries: entries, now: now) == .allowed)
        #expect(limits.summary(entries: entries, now: now) == [1: 0.5])
    }

    @Test func summaryTotalsEachUserInTheWindow() {
        let entries = [
            CostEntry(at: now - 25 * hour, userId: 1, costUsd: 100),
            CostEntry(at: now - 2 * hour, userId: 1, costUsd: 0.25),
            CostEntry(at: now - 1 * hour, userId: 1, costUsd: 0.5),
            CostEntry(at: now - 1 * hour, userId: 2, costUsd: 1.75),
        ]
        #expect(CostLimits().summary(entries: entries, now: now) == [1: 0.75, 2: 1.75])
    }

    @Test func perRequestBudget() {
        let limits = CostLimits(perRequestUsd: 0.5)
        #expect(limits.checkRequest(costUsd: 0.5) == .allowed)
        #expect(limits.checkRequest(costUsd: 0.617)
            == .refused(reason: "this request cost $0.62, over the $0.50 per-request budget", retryAfterMs: nil))
    }

    @Test func extremeTimesDoNotCrash() {
        let limits = CostLimits(perUserDailyUsd: 1, globalDailyUsd: 1)
        let entries = [CostEntry(at: .max, userId: 1, costUsd: 2), CostEntry(at: .min, userId: 1, costUsd: 2)]
        if case .refused(_, let retry) = limits.check(userId: 1, entries: entries, now: .min) {
            #expect(retry == nil)
        } else {
            Issue.record("expected a refusal")
        }
        _ = limits.check(userId: 1, entries: entries, now: .max)
    }
}
