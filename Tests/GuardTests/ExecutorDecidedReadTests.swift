import Foundation
import Guard
import Messages
import Testing

/// Reads an executor allowed by itself (`JobAssignment.localReads`): the guard records and audits them without
/// answering, and flags one its own policy would not have allowed.
@Suite struct ExecutorDecidedReadTests {
    func setUp() async throws -> (GuardHarness, JobAssignment) {
        let guardian = GuardHarness(allowed: [100])
        return (guardian, try await guardian.runningJob())
    }

    func report(_ guardian: GuardHarness, _ job: JobAssignment, _ id: String, _ tool: String, _ input: JSONValue) async throws -> [Outbound] {
        var request = PermissionRequest(jobId: job.jobId, requestId: id, toolName: tool, input: input)
        request.decidedByExecutor = true
        return try await guardian.send(request, on: .work, from: Data("a".utf8))
    }

    @Test func jobsLetExecutorsAnswerReadsWhenTheOperatorsPolicyChangesNothingForThem() async throws {
        let (_, job) = try await setUp()
        #expect(job.localReads == true)
    }

    @Test func aReadTheExecutorAllowedIsAuditedWithoutAnAnswer() async throws {
        let (guardian, job) = try await setUp()
        let out = try await report(guardian, job, "r1", "Grep", .object(["pattern": .string("TODO")]))
        #expect(out.messages(PermissionDecision.self).isEmpty)
        let allowed = try guardian.auditEvents("tool.allowed")
        #expect(allowed.count == 1)
        #expect(allowed.first?.text.contains("allowed by the executor") == true)
        #expect(try guardian.auditEvents("security.violation").isEmpty)
    }

    @Test func aCallTheGuardWouldNotHaveAllowedIsAViolation() async throws {
        let (guardian, job) = try await setUp()
        let out = try await report(guardian, job, "r2", "Read", .object(["file_path": .string("/etc/shadow")]))
        #expect(out.messages(PermissionDecision.self).isEmpty)
        #expect(try guardian.auditEvents("security.violation").count == 1)
        #expect(try guardian.auditEvents("tool.allowed").isEmpty)
    }
}
