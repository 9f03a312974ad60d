import Foundation
import Guard
import Ledger
import Messages
import Testing

/// Scheduled prompts in the guard's core, against a manual clock: a due schedule becomes one job of its owner's (in
/// a fresh session), missed runs after downtime run once or are skipped, and the owner's standing and limits apply.
@Suite struct ScheduleTests {
    func scheduler(
        allowed: Set<Int64> = [100, 200], admins: Set<Int64> = [], ledger: any Ledger = memoryLedger(),
        limit: Int = 10
    ) -> GuardHarness {
        GuardHarness(allowed: allowed, ledger: ledger, admins: admins) {
            $0.scheduler.enabled = true
            $0.scheduler.perPersonLimit = limit
        }
    }

    func lastReply(_ guardian: GuardHarness, to chat: Int64) throws -> String {
        try guardian.pendingReplies(to: chat).last?.text ?? ""
    }

    /// Moves the clock to the schedule's next run and ticks.
    /// The executor and egress say they are still there (they would have sent heartbeats all along).
    func runDue(_ guardian: GuardHarness, _ schedule: ScheduleRecord, late: Int64 = 0) async throws -> [Outbound] {
        let due = try #require(schedule.nextRunAt)
        guardian.clock.advance(ms: due - guardian.clock.now() + late)
        _ = try await guardian.registerEgress()
        _ = try await guardian.registerExecutor("a")
        return await guardian.core.tick()
    }

    @Test func aDueScheduleRunsOnceAsItsOwnersJobInAFreshSession() async throws {
        let guardian = scheduler()
        _ = try await guardian.registerEgress()
        _ = try await guardian.registerExecutor("a")
        try await guardian.say("/schedule add */5 * * * * tz=Europe/Berlin Check the build\nand report", from: 100, updateId: 1)
        let schedule = try #require(try guardian.ledger.schedules(ownerId: 100).first)
        #expect(try lastReply(guardian, to: 100).contains("Schedule \(schedule.id): */5 * * * * (Europe/Berlin)"))
        #expect(schedule.prompt == "Check the build\nand report")
        #expect(schedule.chatId == 100 && schedule.workspace == "")
        // The owner's chat session must not be continued by the scheduled run.
        try guardian.ledger.apply(LedgerChanges(sessions: [SessionRecord(
            userId: 100, workspace: "", sessionId: "chat-session", executorId: "a", updatedAt: guardian.clock.now())]))

        #expect(await guardian.core.tick().messages(JobAssignment.self).isEmpty, "ran before its time")
        let job = try #require(try await runDue(guardian, schedule).messages(JobAssignment.self).first?.message)
        #expect(job.prompt == "Check the build\nand report")
        #expect(job.userId == 100 && job.chatId == 100)
        #expect(job.resumeSessionId == nil)
        #expect(try guardian.pendingReplies(to: 100).contains { $0.text.hasPrefix("Scheduled task \(schedule.id)") })
        #expect(try guardian.auditEvents("schedule.run").count == 1)
        let moved = try #require(try guardian.ledger.schedule(id: schedule.id))
        #expect(moved.runs == 1 && moved.nextRunAt == (schedule.nextRunAt ?? 0) + 300_000)
        // Ticking again at the same time starts nothing more.
        _ = await guardian.core.tick()
        #expect(try guardian.auditEvents("schedule.run").count == 1)
        #expect(try guardian.ledger.jobs(in: [.queued, .dispatched, .running]).count == 1)
    }

    @Test func afterDowntimeMissedRunsRunOnceOrAreSkipped() async throws {
        let guardian = scheduler()
        try await guardian.say("/schedule add @hourly Hourly report", from: 100, updateId: 1)
        try await guardian.say("/schedule add @hourly missed=skip Only when on time", from: 200, updateId: 2)
        let first = try #require(try guardian.ledger.schedules(ownerId: 100).first)
        // Down for five hours: five runs of each were missed.
        _ = try await runDue(guardian, first, late: 5 * 3_600_000 + 60_000)
        let jobs = try guardian.ledger.jobs(in: [.queued, .dispatched, .running])
        #expect(jobs.map(\.prompt) == ["Hourly report"])
        #expect(try guardian.auditEvents("schedule.skipped").count == 1)
        for schedule in try guardian.ledger.schedules(ownerId: nil) {
            #expect((schedule.nextRunAt ?? 0) > guardian.clock.now())
        }
    }

    @Test func theOwnersStandingAndLimitsApplyAtEachRun() async throws {
        let guardian = scheduler(admins: [1])
        try await guardian.say("/schedule add @daily Daily check", from: 100, updateId: 1)
        let schedule = try #require(try guardian.ledger.schedules(ownerId: 100).first)
        try await guardian.say("/block 100", from: 1, updateId: 2)
        _ = try await runDue(guardian, schedule)
        #expect(try guardian.ledger.jobs(in: [.queued, .dispatched, .running]).isEmpty)
        #expect(try lastReply(guardian, to: 100).contains("did not run"))
        #expect(try guardian.auditEvents("schedule.skipped").count == 1)
    }

    @Test func peopleManageTheirOwnSchedulesWithinTheCap() async throws {
        let guardian = scheduler(admins: [1], limit: 1)
        try await guardian.say("/schedule add @daily Mine", from: 100, updateId: 1)
        let schedule = try #require(try guardian.ledger.schedules(ownerId: 100).first)
        try await guardian.say("/schedule add @daily One too many", from: 100, updateId: 2)
        #expect(try lastReply(guardian, to: 100).contains("SCHEDULES_PER_PERSON"))
        try await guardian.say("/schedule add @daily chat=-1001 Elsewhere", from: 200, updateId: 3)
        #expect(try lastReply(guardian, to: 200).contains("Only administrators"))
        try await guardian.say("/schedule pause \(schedule.id)", from: 200, updateId: 4)
        #expect(try lastReply(guardian, to: 200).contains("You have no schedule"))
        #expect(try guardian.ledger.schedule(id: schedule.id)?.paused == false)
        try await guardian.say("/schedule list", from: 1, updateId: 5)
        let adminList = try lastReply(guardian, to: 1)
        #expect(adminList.contains("\(schedule.id): @daily (UTC)"), "\(adminList)")
        try await guardian.say("/schedule pause \(schedule.id)", from: 100, updateId: 6)
        #expect(try guardian.ledger.schedule(id: schedule.id)?.paused == true)
        // Paused: its time passes and nothing runs; resumed, it waits for its next time.
        _ = try await runDue(guardian, schedule, late: 60_000)
        #expect(try guardian.ledger.jobs(in: [.queued]).isEmpty)
        try await guardian.say("/schedule resume \(schedule.id)", from: 100, updateId: 7)
        #expect((try guardian.ledger.schedule(id: schedule.id)?.nextRunAt ?? 0) > guardian.clock.now())
        try await guardian.say("/schedule remove \(schedule.id)", from: 100, updateId: 8)
        #expect(try guardian.ledger.schedules(ownerId: nil).isEmpty)
        #expect(try guardian.auditEvents("schedule.removed").count == 1)
    }

    @Test func mistakesAreExplainedAndTheSchedulerIsOffByDefault() async throws {
        let guardian = scheduler()
        try await guardian.say("/schedule add 0 25 * * * Never", from: 100, updateId: 1)
        #expect(try lastReply(guardian, to: 100).contains("hour 25 is out of range"))
        try await guardian.say("/schedule add 0 0 31 2 * Never", from: 100, updateId: 2)
        #expect(try lastReply(guardian, to: 100).contains("never runs"))
        let off = GuardHarness(allowed: [100])
        try await off.say("/schedule list", from: 100, updateId: 1)
        #expect(try off.pendingReplies(to: 100).last?.text.contains("ENABLE_SCHEDULER") == true)
    }

    @Test func theSQLiteLedgerSealsPromptsAndErasesSchedulesWithTheirOwner() async throws {
        let path = LedgerTests.temporaryPath()
        let cipher = try ContentCipher(keyMaterial: Array(repeating: 7, count: 32))
        let guardian = scheduler(ledger: try SQLiteLedger(path: path, cipher: cipher))
        try await guardian.say("/schedule add @daily A secret plan for the release", from: 100, updateId: 1)
        let schedule = try #require(try guardian.ledger.schedules(ownerId: 100).first)
        #expect(schedule.prompt == "A secret plan for the release")
        let raw = try Data(contentsOf: URL(fileURLWithPath: path)) + ((try? Data(contentsOf: URL(fileURLWithPath: path + "-wal"))) ?? Data())
        #expect(raw.range(of: Data("secret plan".utf8)) == nil)
        #expect(try guardian.ledger.personalData(userId: 100).schedules.map(\.id) == [schedule.id])
        try guardian.ledger.apply({ var changes = LedgerChanges(); changes.erasures = [100]; return changes }())
        #expect(try guardian.ledger.schedules(ownerId: nil).isEmpty)
    }
}
