import Foundation
import Guard
import Messages
import Testing

/// Tool calls the policy cannot decide are put to the person whose job it is, with buttons.
@Suite struct ApprovalTests {
    /// A running job on executor "a" and an egress that confirms every message it is given (ids from 500).
    func setUp(allowed: Set<Int64> = [100, 200], timeout: Int = 300) async throws -> (GuardHarness, JobAssignment) {
        let guardian = GuardHarness(allowed: allowed, approvalTimeoutSeconds: timeout)
        return (guardian, try await guardian.runningJob())
    }

    func request(_ guardian: GuardHarness, _ job: JobAssignment, _ id: String, _ tool: String, _ input: JSONValue) async throws -> [Outbound] {
        try await guardian.send(PermissionRequest(jobId: job.jobId, requestId: id, toolName: tool, input: input), on: .work, from: Data("a".utf8))
    }

    /// The question message handed to egress; confirms it so the guard knows its Telegram id.
    func question(_ guardian: GuardHarness, in out: [Outbound], messageId: Int64 = 500) async throws -> Delivery {
        let delivery = try #require(out.messages(Delivery.self).map(\.message).first { $0.buttons != nil && $0.kind == .message && $0.replyToMessageId == nil && !($0.text ?? "").hasPrefix("Working") })
        _ = try await guardian.send(DeliveryResult(deliveryId: delivery.deliveryId, status: .sent, telegramMessageIds: [messageId]),
                                    on: .delivery, from: guardian.egress)
        return delivery
    }

    func press(_ guardian: GuardHarness, _ data: String, by user: Int64, update: Int64) async throws -> [Outbound] {
        try await guardian.send(InboundUpdate(
            updateId: update, receivedAt: 0, kind: .callbackQuery, sender: .init(id: user, username: "u\(user)"),
            chat: .init(id: user, type: "private"), messageId: 500, callback: .init(id: "cb\(update)", data: data, messageId: 500)),
            on: .intake, from: guardian.ingress)
    }

    @Test func anUnknownCommandIsAskedAndTheOwnersAnswerReachesTheExecutor() async throws {
        let (guardian, job) = try await setUp()
        let out = try await request(guardian, job, "r1", "Bash", .object(["command": .string("npm install left-pad")]))
        #expect(out.messages(PermissionDecision.self).isEmpty, "decided without asking")
        let asked = try await question(guardian, in: out)
        #expect(asked.text?.contains("npm install left-pad") == true)
        let buttons = try #require(asked.buttons?.first)
        #expect(buttons.map(\.text) == ["Allow once", "Allow for this session", "Deny"])

        // Someone else may not answer; the question stays open.
        let stranger = try await press(guardian, buttons[0].callbackData, by: 200, update: 10)
        #expect(stranger.messages(PermissionDecision.self).isEmpty)
        #expect(stranger.messages(Delivery.self).first?.message.text == ReplyTexts.buttonNotYours)

        let owner = try await press(guardian, buttons[0].callbackData, by: 100, update: 11)
        let decision = try #require(owner.messages(PermissionDecision.self).first)
        #expect(decision.peer == Data("a".utf8))
        #expect(decision.message.allow && decision.message.requestId == "r1")
        let edit = try #require(owner.messages(Delivery.self).map(\.message).first { $0.kind == .editMessage })
        #expect(edit.targetMessageId == 500)
        #expect(edit.text?.contains("allowed once by @u100") == true)
        // Answered is answered: a second press changes nothing.
        let again = try await press(guardian, buttons[2].callbackData, by: 100, update: 12)
        #expect(again.messages(PermissionDecision.self).isEmpty)
        let events = try guardian.ledger.audit(fromSeq: 1, limit: 100).map(\.event)
        #expect(events.contains("tool.asked") && events.contains("tool.approved") && events.contains("button.refused"))
    }

    @Test func allowForThisSessionAllowsTheSameCommandAgainWithoutAsking() async throws {
        let (guardian, job) = try await setUp()
        let input: JSONValue = .object(["command": .string("swift build")])
        let asked = try await question(guardian, in: try await request(guardian, job, "r1", "Bash", input))
        _ = try await press(guardian, try #require(asked.buttons?.first?[1].callbackData), by: 100, update: 10)
        let second = try await request(guardian, job, "r2", "Bash", input)
        #expect(second.messages(PermissionDecision.self).first?.message.allow == true)
        let other = try await request(guardian, job, "r3", "Bash", .object(["command": .string("swift test")]))
        #expect(other.messages(PermissionDecision.self).isEmpty, "a different command must be asked about")
    }

    @Test func anUnansweredQuestionExpiresToDeny() async throws {
        let (guardian, job) = try await setUp(timeout: 60)
        let asked = try await question(guardian, in: try await request(guardian, job, "r1", "Bash", .object(["command": .string("make deploy")])))
        guardian.clock.advance(ms: 30_000)
        _ = try await guardian.send(Heartbeat(senderId: "a", sentAt: 0), on: .work, from: Data("a".utf8))
        _ = try await guardian.send(Heartbeat(senderId: "eg", sentAt: 0), on: .delivery, from: guardian.egress)
        #expect(await guardian.core.tick().messages(PermissionDecision.self).isEmpty)
        guardian.clock.advance(ms: 31_000)
        _ = try await guardian.send(Heartbeat(senderId: "a", sentAt: 0), on: .work, from: Data("a".utf8))
        _ = try await guardian.send(Heartbeat(senderId: "eg", sentAt: 0), on: .delivery, from: guardian.egress)
        let out = await guardian.core.tick()
        let decision = try #require(out.messages(PermissionDecision.self).first?.message)
        #expect(!decision.allow)
        #expect(decision.message == "no answer in time")
        #expect(out.messages(Delivery.self).contains { $0.message.kind == .editMessage && ($0.message.text ?? "").contains("no answer in time") })
        // The button no longer does anything.
        let late = try await press(guardian, try #require(asked.buttons?.first?.first?.callbackData), by: 100, update: 10)
        #expect(late.messages(PermissionDecision.self).isEmpty)
    }

    @Test func askUserQuestionIsShownAsButtonsAndTheChoiceGoesBackAsTheAnswer() async throws {
        let (guardian, job) = try await setUp()
        let input: JSONValue = .object(["questions": .array([.object([
            "question": .string("Which database?"), "header": .string("DB"), "multiSelect": .bool(false),
            "options": .array([.object(["label": .string("SQLite")]), .object(["label": .string("Postgres")])]),
        ])])])
        let asked = try await question(guardian, in: try await request(guardian, job, "q1", "AskUserQuestion", input))
        #expect(asked.text?.contains("Which database?") == true)
        #expect(asked.buttons?.map { $0.first?.text } == ["SQLite", "Postgres", "Don't answer"])
        let out = try await press(guardian, try #require(asked.buttons?[1].first?.callbackData), by: 100, update: 10)
        let decision = try #require(out.messages(PermissionDecision.self).first?.message)
        #expect(decision.allow)
        #expect(decision.updatedInput?["answers"]?["Which database?"]?.stringValue == "Postgres")
        #expect(decision.updatedInput?["questions"] != nil)
    }

    @Test func questionsOfAJobThatEndsAreClosed() async throws {
        let (guardian, job) = try await setUp()
        _ = try await question(guardian, in: try await request(guardian, job, "r1", "Bash", .object(["command": .string("terraform apply")])))
        let out = try await guardian.send(JobResult(jobId: job.jobId, attempt: 1, outcome: .cancelled, finishedAt: 1), on: .work, from: Data("a".utf8))
        #expect(out.messages(Delivery.self).contains { $0.message.kind == .editMessage && ($0.message.text ?? "").contains("the job ended") })
        #expect(try guardian.ledger.pendingApprovals().isEmpty)
    }
}
