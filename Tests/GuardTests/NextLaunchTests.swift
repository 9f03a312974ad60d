import AccessControl
import Foundation
import Guard
import Messages
import Testing

/// The acknowledgement of an answer says how the person's next prompt would start, so an executor can have a CLI
/// warm for it: it must be exactly what the next assignment asks for, or the warm CLI is never used.
@Suite struct NextLaunchTests {
    func answer(_ guardian: GuardHarness, prompt: String, updateId: Int64, session: String, cost: Double) async throws -> (JobAssignment, JobResultAck) {
        let queued = try await guardian.send(guardian.message(updateId: updateId, from: 100, text: prompt), on: .intake, from: guardian.ingress)
        let assignment = try #require(queued.messages(JobAssignment.self).first?.message)
        _ = try await guardian.start(assignment.jobId, on: "e1")
        let done = try await guardian.send(
            JobResult(jobId: assignment.jobId, attempt: assignment.attempt, outcome: .completed, text: "ok", costUSD: cost,
                      sessionId: session, finishedAt: guardian.clock.now()),
            on: .work, from: Data("e1".utf8))
        return (assignment, try #require(done.messages(JobResultAck.self).first?.message))
    }

    @Test func theNextLaunchIsWhatTheNextAssignmentAsksForUnderACostLimit() async throws {
        let guardian = GuardHarness { configuration in
            configuration.access.costLimits = CostLimits(perUserDailyUsd: 5, perRequestUsd: nil, globalDailyUsd: nil)
            configuration.claude.maxTurns = 12
        }
        _ = try await guardian.registerExecutor("e1")
        let (first, ack) = try await answer(guardian, prompt: "first", updateId: 1, session: "s-1", cost: 0.37)
        #expect(first.maxBudgetUSD == 5)
        let next = try #require(ack.nextLaunch)
        #expect(next.userId == 100 && next.workspace == first.workspace && next.resumeSessionId == "s-1")
        #expect(next.maxTurns == 12 && next.timeoutSeconds == first.timeoutSeconds)
        #expect(JobAssignment.budgetText(next.maxBudgetUSD) == "4.6300", "what the limit leaves after the answer's cost")

        guardian.clock.advance(ms: 5_000)
        let (second, _) = try await answer(guardian, prompt: "second", updateId: 2, session: "s-1", cost: 0.1)
        let asked = try #require(WarmLaunch(second))
        #expect(asked.startsSameCLI(as: next), "the next assignment \(asked) differs from the launch announced \(next)")
    }

    @Test func noNextLaunchWithoutASessionToContinueOrWithSharedSessions() async throws {
        let guardian = GuardHarness()
        _ = try await guardian.registerExecutor("e1")
        let queued = try await guardian.send(guardian.message(updateId: 1, from: 100, text: "fails"), on: .intake, from: guardian.ingress)
        let job = try #require(queued.messages(JobAssignment.self).first?.message)
        _ = try await guardian.start(job.jobId, on: "e1")
        let failed = try await guardian.send(
            JobResult(jobId: job.jobId, attempt: 1, outcome: .failed, errorDetail: "boom", finishedAt: guardian.clock.now()),
            on: .work, from: Data("e1".utf8))
        #expect(failed.messages(JobResultAck.self).first?.message.nextLaunch == nil)

        let shared = GuardHarness { $0.sharedSessions = true }
        _ = try await shared.registerExecutor("e1")
        let (_, ack) = try await answer(shared, prompt: "hi", updateId: 1, session: "s-9", cost: 0.01)
        #expect(ack.nextLaunch == nil, "another executor may continue a shared session under a warm CLI")
    }

    @Test func launchesCompareTheBudgetAsTheCLIIsGivenIt() {
        let launch = WarmLaunch(userId: 1, workspace: "a", resumeSessionId: "s", model: "m", maxTurns: nil, maxBudgetUSD: 4.63, timeoutSeconds: 60)
        var noisy = launch
        noisy.maxBudgetUSD = 4.630000000000001
        #expect(launch.startsSameCLI(as: noisy))
        var other = launch
        other.maxBudgetUSD = 4.62
        #expect(!launch.startsSameCLI(as: other))
        other = launch
        other.model = nil
        #expect(!launch.startsSameCLI(as: other))
        other = launch
        other.resumeSessionId = "t"
        #expect(!launch.startsSameCLI(as: other))
    }
}
