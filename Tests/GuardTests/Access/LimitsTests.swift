import AccessControl
import Foundation
import Guard
import Ledger
import Messages
import Testing

/// How much: the per-person token bucket (kept across restarts), cost limits from real run costs, and anomaly
/// detection that blocks a person for a while and tells the admins.
@Suite struct LimitsTests {
    /// Stores runs that already cost money, as finished jobs leave them in the ledger.
    private func spent(_ runs: [(userId: Int64, at: EpochMillis, usd: Double)], in guardian: GuardHarness) throws {
        var changes = LedgerChanges()
        changes.usage = runs.map { UsageRecord(jobId: UUID().uuidString, userId: $0.userId, at: $0.at, costUSD: $0.usd) }
        try guardian.ledger.apply(changes)
    }

    @Test func aBurstOverTheBucketIsRefusedWithWhenToTryAgain() async throws {
        let ledger = try SQLiteLedger.inMemory()
        let guardian = GuardHarness(allowed: [100], ledger: ledger) { configuration in
            configuration.access.rateLimit = RateLimit(requests: 1, windowSeconds: 10, burst: 3)
        }
        for id in 1...4 { try await guardian.say("/cost", from: 100, updateId: Int64(id)) }
        let refusal = try #require(try guardian.pendingReplies(to: 100).last)
        #expect(refusal.text.contains("Try again in 10 s"))
        #expect(try guardian.auditEvents("limit.rate").count == 1)
        try await guardian.say("/stop", from: 100, updateId: 5)
        #expect(try guardian.auditEvents("limit.rate").count == 1, "/stop always works")

        // A restarted guard (same ledger) does not refill the bucket.
        let restarted = GuardHarness(allowed: [100], ledger: ledger) { configuration in
            configuration.access.rateLimit = RateLimit(requests: 1, windowSeconds: 10, burst: 3)
        }
        restarted.clock.advance(ms: guardian.clock.now() - restarted.clock.now())
        try await restarted.say("a prompt", from: 100, updateId: 6)
        #expect(try restarted.queuedJobs(of: 100).isEmpty)
        restarted.clock.advance(ms: 10_000)
        try await restarted.say("a prompt", from: 100, updateId: 7)
        #expect(try restarted.queuedJobs(of: 100).count == 1)
    }

    @Test func limitRefusalsCoalesceToOneAnswerPerWindowAndAreAllAudited() async throws {
        let guardian = GuardHarness(allowed: [100]) { configuration in
            configuration.access.rateLimit = RateLimit(requests: 1, windowSeconds: 3600, burst: 1)
        }
        for id in 1...6 { try await guardian.say("/cost", from: 100, updateId: Int64(id)) }
        let slowDowns = try guardian.pendingReplies(to: 100).filter { $0.text.contains("faster than allowed") }
        #expect(slowDowns.count == 1)
        #expect(try guardian.auditEvents("limit.rate").count == 5)
        guardian.clock.advance(ms: 60_000)
        try await guardian.say("/cost", from: 100, updateId: 7)
        #expect(try guardian.pendingReplies(to: 100).filter { $0.text.contains("faster than allowed") }.count == 2)
    }

    @Test func aPersonOverTheirDailyBudgetIsRefusedUntilSpendingLeavesTheWindow() async throws {
        let guardian = GuardHarness(allowed: [100, 101]) { configuration in
            configuration.access.costLimits = CostLimits(perUserDailyUsd: 5, perRequestUsd: 2, globalDailyUsd: nil)
        }
        let now = guardian.clock.now()
        try spent([(100, now - 3_600_000, 3), (100, now - 60_000, 2.5)], in: guardian)
        try await guardian.say("expensive", from: 100, updateId: 1)
        #expect(try guardian.queuedJobs(of: 100).isEmpty)
        let refusal = try #require(try guardian.pendingReplies(to: 100).last?.text)
        #expect(refusal.contains("$5.50") && refusal.contains("$5.00"))
        #expect(refusal.contains("23 h"), "the $3 run leaves the window in about 23 hours")
        #expect(try guardian.auditEvents("limit.cost").count == 1)

        // Someone else still has budget; their run may spend at most the per-request limit.
        _ = try await guardian.registerEgress()
        try await guardian.say("cheap", from: 101, updateId: 2)
        let out = try await guardian.registerExecutor("ex1")
        let job = try #require(out.messages(JobAssignment.self).first?.message)
        #expect(job.maxBudgetUSD == 2)
    }

    /// The guard reads a person's runs one by one only once their day's total reaches the limit; at the window's
    /// edge and with costs that do not count (negative), the sum and the runs must agree on who is refused.
    @Test func theDailyBudgetsEdgeIsTheSameWhetherSummedOrCountedRunByRun() async throws {
        let guardian = GuardHarness(allowed: [100]) { configuration in
            configuration.access.costLimits = CostLimits(perUserDailyUsd: 5, perRequestUsd: nil, globalDailyUsd: nil)
        }
        let now = guardian.clock.now()
        try spent([(100, now - CostLimits.dayMs, 3), (100, now - 1_000, 4.99), (100, now - 900, -10)], in: guardian)
        try await guardian.say("just under", from: 100, updateId: 1)
        #expect(try guardian.queuedJobs(of: 100).count == 1, "the run exactly a day old has left; $4.99 is under $5")

        try spent([(100, now - 500, 0.01)], in: guardian)
        try await guardian.say("at the limit", from: 100, updateId: 2)
        #expect(try guardian.queuedJobs(of: 100).count == 1, "$5.00 reaches the limit; the negative cost takes nothing off")
        let refusal = try #require(try guardian.pendingReplies(to: 100).last?.text)
        #expect(refusal.contains("$5.00 of your $5.00"))
    }

    @Test func theTeamsDailyBudgetRefusesEveryoneOnceReachedAndOthersSpendingNeverCountsAgainstOnesOwn() async throws {
        let guardian = GuardHarness(allowed: [100, 101, 102]) { configuration in
            configuration.access.costLimits = CostLimits(perUserDailyUsd: 5, perRequestUsd: nil, globalDailyUsd: 10)
        }
        let now = guardian.clock.now()
        try spent([(101, now - 7_200_000, 4.5), (102, now - 60_000, 4.5)], in: guardian)
        // $9 spent by others: below the team's $10, and none of it is 100's own.
        try await guardian.say("first", from: 100, updateId: 1)
        #expect(try guardian.queuedJobs(of: 100).count == 1)

        try spent([(101, now - 30_000, 1)], in: guardian)
        try await guardian.say("second", from: 100, updateId: 2)
        #expect(try guardian.queuedJobs(of: 100).count == 1, "the team's $10 is used up")
        let refusal = try #require(try guardian.pendingReplies(to: 100).last?.text)
        #expect(refusal.contains("team") && refusal.contains("$10.00"))
        #expect(refusal.contains("22 h"), "the $4.50 run two hours ago leaves the window in about 22 hours")
    }

    @Test func theRunBudgetIsWhatIsLeftWhenThatIsLessThanThePerRequestLimit() async throws {
        let guardian = GuardHarness(allowed: [100]) { configuration in
            configuration.access.costLimits = CostLimits(perUserDailyUsd: 5, perRequestUsd: 2, globalDailyUsd: nil)
        }
        try spent([(100, guardian.clock.now() - 1_000, 4.25)], in: guardian)
        try await guardian.say("go", from: 100, updateId: 1)
        let out = try await guardian.registerExecutor("ex1")
        let job = try #require(out.messages(JobAssignment.self).first?.message)
        #expect(abs((job.maxBudgetUSD ?? 0) - 0.75) < 0.0001)
    }

    @Test func aRunsRealCostIsRecordedAndShownByCost() async throws {
        let guardian = GuardHarness(allowed: [100], admins: [1])
        try await guardian.say("go", from: 100, updateId: 1)
        let out = try await guardian.registerExecutor("ex1")
        let job = try #require(out.messages(JobAssignment.self).first?.message)
        _ = try await guardian.start(job.jobId, on: "ex1")
        _ = try await guardian.send(
            JobResult(jobId: job.jobId, attempt: 1, outcome: .completed, text: "done", costUSD: 0.4321, finishedAt: 5),
            on: .work, from: Data("ex1".utf8))
        #expect(try guardian.ledger.usage(since: 0).map(\.costUSD) == [0.4321])
        try await guardian.say("/cost", from: 100, updateId: 2)
        #expect(try guardian.pendingReplies(to: 100).last?.text.contains("$0.43 over 1 request") == true)
        try await guardian.say("/cost", from: 1, updateId: 3)
        #expect(try guardian.pendingReplies(to: 1).last?.text.contains("• 100: $0.43") == true)
    }

    @Test func aBurstOfViolationsBlocksForAWhileAndTellsTheAdmins() async throws {
        let guardian = GuardHarness(allowed: [100], admins: [1, 2])
        for id in 1...6 {
            let press = InboundUpdate(
                updateId: Int64(id), receivedAt: guardian.clock.now(), kind: .callbackQuery, sender: .init(id: 100),
                chat: .init(id: 100, type: "private"), messageId: 9,
                callback: .init(id: "cb\(id)", data: "b:forged\(id)0000", messageId: 9))
            _ = try await guardian.send(press, on: .intake, from: guardian.ingress)
        }
        #expect(try guardian.auditEvents("security.anomaly").count == 1)
        #expect(try guardian.pendingReplies(to: 1).first?.text.contains("user 100 was blocked") == true)
        #expect(try guardian.pendingReplies(to: 2).count == 1)
        try await guardian.say("work", from: 100, updateId: 10)
        #expect(try guardian.queuedJobs(of: 100).isEmpty)
        #expect(try guardian.pendingReplies(to: 100).last?.text.contains("temporarily blocked") == true)
        guardian.clock.advance(ms: 900_001)
        try await guardian.say("work", from: 100, updateId: 11)
        #expect(try guardian.queuedJobs(of: 100).count == 1, "the block ends by itself")
    }

    @Test func anUnusualVolumeFromOnePersonBlocksThem() async throws {
        let guardian = GuardHarness(allowed: [100], admins: [1]) { configuration in
            configuration.access.rateLimit = RateLimit(requests: 1_000, windowSeconds: 1, burst: 1_000)
        }
        for id in 1...31 { try await guardian.say("/cost", from: 100, updateId: Int64(id)) }
        let anomaly = try #require(try guardian.auditEvents("security.anomaly").first)
        #expect(anomaly.text.contains("31 requests within 60 s"))
    }
}
