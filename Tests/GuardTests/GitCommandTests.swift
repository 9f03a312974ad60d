import Foundation
import Guard
import Ledger
import Messages
import Testing

/// `/git`, `/actions` and the quick actions through the guard's state machine (an executor answered by hand).
@Suite struct GitCommandTests {
    static func harness() -> GuardHarness {
        GuardHarness(allowed: [100, 200]) { $0.workspaceMode = .perPerson }
    }

    func press(_ guardian: GuardHarness, _ data: String, by user: Int64, updateId: Int64) async throws -> [Outbound] {
        try await guardian.send(InboundUpdate(
            updateId: updateId, receivedAt: 0, kind: .callbackQuery, sender: .init(id: user), chat: .init(id: user, type: "private"),
            messageId: 99, callback: .init(id: "cb\(updateId)", data: data, messageId: 99)), on: .intake, from: guardian.ingress)
    }

    func buttons(_ record: OutboxRecord?) throws -> [Delivery.Button] {
        try JSONDecoder().decode([[Delivery.Button]].self, from: Data(try #require(record?.buttons).utf8)).flatMap { $0 }
    }

    @Test func gitAsksAnExecutorForTheViewInsideThePersonsRoot() async throws {
        let guardian = Self.harness()
        _ = try await guardian.registerExecutor("ex1")
        let out = try await guardian.say("/git diff", from: 100, updateId: 1)
        let request = try #require(out.messages(FileRequest.self).first?.message)
        #expect(request.operation == .git && request.gitView == .diff && request.path == "100" && request.root == "100")

        // Short output: a code block, with buttons for the other views.
        _ = try await guardian.send(
            FileResult(requestId: request.requestId, data: Data("+added line\n".utf8)), on: .work, from: Data("ex1".utf8))
        let shown = try #require(try guardian.pendingReplies(to: 100).last)
        #expect(shown.text.contains("```\n+added line\n```") && shown.format == "markdown", "\(shown.text)")
        #expect(try buttons(shown).map(\.text) == ["Status", "Log", "Branches"])
        #expect(try guardian.auditEvents("git.shown").count == 1)

        // Long output: a .diff file.
        let again = try await guardian.say("/git diff", from: 100, updateId: 2)
        let second = try #require(again.messages(FileRequest.self).first?.message)
        let big = String(repeating: "+a changed line of the diff\n", count: 500)
        _ = try await guardian.send(FileResult(requestId: second.requestId, data: Data(big.utf8)), on: .work, from: Data("ex1".utf8))
        let file = try #require(try guardian.pendingReplies(to: 100).first { $0.fileName == "changes.diff" })
        #expect(file.text == big)
        #expect(try guardian.pendingReplies(to: 100).last?.text.contains("sent as changes.diff") == true)
    }

    @Test func unknownViewsAndErrorsAreExplained() async throws {
        let guardian = Self.harness()
        _ = try await guardian.registerExecutor("ex1")
        let out = try await guardian.say("/git push", from: 100, updateId: 1)
        #expect(out.messages(FileRequest.self).isEmpty)
        #expect(try guardian.pendingReplies(to: 100).last?.text == ReplyTexts.gitUsage)
        let asked = try await guardian.say("/git", from: 100, updateId: 2)
        let request = try #require(asked.messages(FileRequest.self).first?.message)
        #expect(request.gitView == .status)
        _ = try await guardian.send(FileResult(
            requestId: request.requestId, error: "not_a_repository", message: "/ is not in a git repository"), on: .work, from: Data("ex1".utf8))
        #expect(try guardian.pendingReplies(to: 100).last?.text == "/ is not in a git repository")
        #expect(try guardian.auditEvents("git.refused").count == 1)
    }

    @Test func gitWaitsWhileClaudeWorksInTheProject() async throws {
        let guardian = Self.harness()
        _ = try await guardian.runningJob(from: 100, on: "a")
        let out = try await guardian.say("/git", from: 100, updateId: 5)
        #expect(out.messages(FileRequest.self).isEmpty)
        #expect(try guardian.pendingReplies(to: 100).last?.text.contains("Claude is working in this project") == true)
    }

    @Test func anAnswerInAGitProjectCarriesQuickActionsThatAreSentAsIfTyped() async throws {
        let guardian = Self.harness()
        let job = try await guardian.runningJob(from: 100, on: "a")
        #expect(job.root == "100")
        var result = JobResult(jobId: job.jobId, attempt: job.attempt, outcome: .completed, text: "Done.", costUSD: 0.01,
                               sessionId: "s1", finishedAt: 2)
        result.project = ProjectFacts(isGitRepository: true, hasChanges: true, testCommand: "swift test")
        _ = try await guardian.send(result, on: .work, from: Data("a".utf8))
        let answer = try #require(try guardian.pendingReplies(to: 100).last { $0.text == "Done." })
        let offered = try buttons(answer)
        #expect(offered.map(\.text) == ["🧪 Run tests", "📄 Show diff", "✅ Commit", "↩️ Undo last change"])
        #expect(offered.allSatisfy { $0.callbackData.utf8.count <= 64 })

        // Someone else's press does nothing.
        _ = try await press(guardian, offered[0].callbackData, by: 200, updateId: 10)
        #expect(try guardian.queuedJobs(of: 100).isEmpty && guardian.queuedJobs(of: 200).isEmpty)
        #expect(try guardian.auditEvents("button.refused").count == 1)

        // "Show diff" is the command: the executor is asked for the diff.
        let diff = try await press(guardian, offered[1].callbackData, by: 100, updateId: 11)
        #expect(diff.messages(FileRequest.self).map(\.message.gitView) == [.diff])

        // "Run tests" is their message: a job with the prompt.
        _ = try await press(guardian, offered[0].callbackData, by: 100, updateId: 12)
        let tests = try #require(try guardian.queuedJobs(of: 100).first)
        #expect(tests.prompt == "Run the tests with `swift test` and tell me what failed.")
        #expect(try guardian.auditEvents("button.typed").count == 2)
    }

    @Test func anAnswerOutsideGitHasNoQuickActions() async throws {
        let guardian = Self.harness()
        let job = try await guardian.runningJob(from: 100, on: "a")
        var result = JobResult(jobId: job.jobId, attempt: job.attempt, outcome: .completed, text: "Done.", finishedAt: 2)
        result.project = ProjectFacts(isGitRepository: false, hasChanges: false, testCommand: "swift test")
        _ = try await guardian.send(result, on: .work, from: Data("a".utf8))
        #expect(try guardian.pendingReplies(to: 100).last { $0.text == "Done." }?.buttons == nil)
    }

    @Test func pressedQuickActionsCountAgainstTheRateLimit() async throws {
        let guardian = GuardHarness(allowed: [100]) { configuration in
            configuration.workspaceMode = .perPerson
            configuration.access.rateLimit = .init(requests: 1, windowSeconds: 3600, burst: 1)
        }
        _ = try await guardian.registerExecutor("ex1")
        let asked = try await guardian.say("/actions", from: 100, updateId: 1)
        let request = try #require(asked.messages(FileRequest.self).first?.message)
        #expect(request.operation == .project)
        var facts = FileResult(requestId: request.requestId)
        facts.project = ProjectFacts(isGitRepository: true, hasChanges: true, testCommand: "make test")
        _ = try await guardian.send(facts, on: .work, from: Data("ex1".utf8))
        let offered = try buttons(try guardian.pendingReplies(to: 100).last)
        #expect(offered.first?.text == "🧪 Run tests")
        _ = try await press(guardian, offered[0].callbackData, by: 100, updateId: 2)
        #expect(try guardian.queuedJobs(of: 100).isEmpty, "the press ran past the rate limit")
        #expect(try guardian.auditEvents("limit.rate").count == 1)
    }
}
