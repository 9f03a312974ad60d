import Foundation
import Guard
import Messages
import Synchronization
import Testing

/// A message that becomes a job shows a sign of life as soon as the guard has committed it: `typing` at once, and
/// the status message with its Stop button when the job is dispatched (right away when nothing of that person's runs),
/// not after the executor has started the CLI.
@Suite struct FirstSignOfLifeTests {
    func deliveries(_ out: [Outbound]) -> [Delivery] { out.messages(Delivery.self).map(\.message) }

    /// An egress and executor "a" registered, and a prompt of user 100 committed: what the guard answered.
    func prompt(_ guardian: GuardHarness) async throws -> [Outbound] {
        _ = try await guardian.registerEgress()
        _ = try await guardian.registerExecutor("a")
        return try await guardian.send(guardian.message(updateId: 1, from: 100, text: "work"), on: .intake, from: guardian.ingress)
    }

    @Test func aPromptGetsTypingAndItsStatusMessageWithItsCommit() async throws {
        let guardian = GuardHarness()
        let out = try await prompt(guardian)
        let job = try #require(out.messages(JobAssignment.self).first?.message)
        let sent = deliveries(out)
        #expect(sent.contains { $0.kind == .chatAction && $0.chatAction == "typing" && $0.chatId == 100 })
        let status = try #require(sent.first { $0.deliveryId == "status-\(job.jobId)" })
        #expect(status.priority == .progress)
        #expect(status.jobId == job.jobId)
        #expect(status.buttons?.first?.first?.text == "Stop")

        // The start changes nothing the person sees: no second status message, no second typing within 4 s.
        let started = deliveries(try await guardian.start(job.jobId, on: "a"))
        #expect(!started.contains { $0.deliveryId.hasPrefix("status-") })
        #expect(!started.contains { $0.kind == .chatAction })
    }

    /// An egress and executor "a" registered, and a message of `user` handed over as the guard's service does:
    /// in a batch whose follow-up (dispatch) is left for later. What the batch answered.
    func batch(_ guardian: GuardHarness, from user: Int64, text: String) async throws -> [Outbound] {
        _ = try await guardian.registerEgress()
        _ = try await guardian.registerExecutor("a")
        let batch = [(peer: guardian.ingress, frames: try WireCodec.encode(guardian.message(updateId: 1, from: user, text: text)))]
        return await guardian.core.receiveIntake(batch, followUpLater: true)
    }

    @Test func theServicesBatchSendsTypingBeforeTheDispatchIsCommitted() async throws {
        let guardian = GuardHarness()
        let first = try await batch(guardian, from: 100, text: "work")
        #expect(first.messages(UpdateAck.self).first?.message.outcome == .committed)
        #expect(deliveries(first).map(\.kind) == [.chatAction])
        #expect(first.messages(JobAssignment.self).isEmpty, "the dispatch waits for the follow-up")
        #expect(FollowUpHold.applies(to: first), "and the follow-up waits for the typing to leave")
        let (now, held) = FollowUpHold.split(first)
        #expect(deliveries(now).map(\.kind) == [.chatAction] && now.count == 1)
        #expect(held.messages(UpdateAck.self).count == 1 && held.count == 1)
        let then = await guardian.core.intakeFollowUp()
        let job = try #require(then.messages(JobAssignment.self).first?.message)
        #expect(deliveries(then).contains { $0.deliveryId == "status-\(job.jobId)" })
        #expect(await guardian.core.intakeFollowUp().isEmpty, "owed once")
    }

    /// What a batch handed over as the service does sent ahead of its commits, with whether each update was
    /// stored at that moment.
    final class Ahead: Sendable {
        let sent = Mutex<[(delivery: Delivery, committed: Bool)]>([])
        var deliveries: [Delivery] { sent.withLock { $0.map(\.delivery) } }
    }

    func batchAhead(_ guardian: GuardHarness, updates: [InboundUpdate]) async throws -> (answer: [Outbound], ahead: Ahead) {
        let ahead = Ahead()
        let batch = try updates.map { (peer: guardian.ingress, frames: try WireCodec.encode($0)) }
        let ledger = guardian.ledger
        let answer = await guardian.core.receiveIntake(batch, followUpLater: true) { messages in
            for delivery in messages.messages(Delivery.self).map(\.message) {
                let committed = updates.contains { (try? ledger.hasUpdate(id: $0.updateId)) == true && delivery.chatId == $0.chat?.id }
                ahead.sent.withLock { $0.append((delivery, committed)) }
            }
        }
        return (answer, ahead)
    }

    @Test func aNewJobsTypingLeavesBeforeItsCommitAndNothingElseDoes() async throws {
        let guardian = GuardHarness()
        _ = try await guardian.registerEgress()
        _ = try await guardian.registerExecutor("a")
        let (answer, ahead) = try await batchAhead(guardian, updates: [guardian.message(updateId: 1, from: 100, text: "work")])
        let sent = ahead.sent.withLock { $0 }
        #expect(sent.map(\.delivery.kind) == [.chatAction])
        #expect(sent.first?.delivery.chatAction == "typing")
        #expect(sent.first?.committed == false, "handed over before the update was stored")
        #expect(try guardian.ledger.hasUpdate(id: 1))
        #expect(answer.messages(UpdateAck.self).first?.message.outcome == .committed)
        #expect(deliveries(answer).isEmpty, "the typing is not sent twice")
        #expect(FollowUpHold.applies(to: answer, sentAhead: true))
        let (now, held) = FollowUpHold.split(answer)
        #expect(now.isEmpty, "nothing else for egress, the executors or ingress while the typing is on its way")
        #expect(held.messages(UpdateAck.self).count == 1, "the acknowledgement leaves with the follow-up")
        let then = await guardian.core.intakeFollowUp()
        let job = try #require(then.messages(JobAssignment.self).first?.message)
        #expect(deliveries(then).contains { $0.deliveryId == "status-\(job.jobId)" }, "the status message waits for the commit")
    }

    @Test func anUpdateSentAgainGetsNoTypingAhead() async throws {
        let guardian = GuardHarness()
        _ = try await guardian.registerEgress()
        _ = try await guardian.registerExecutor("a")
        let prompt = guardian.message(updateId: 1, from: 100, text: "work")
        _ = try await batchAhead(guardian, updates: [prompt])
        _ = await guardian.core.intakeFollowUp()
        let (answer, ahead) = try await batchAhead(guardian, updates: [prompt])
        #expect(answer.messages(UpdateAck.self).first?.message.outcome == .duplicate)
        #expect(ahead.deliveries.isEmpty)
        #expect(deliveries(answer).isEmpty)
    }

    @Test func strangersAndCommandsSendNothingAhead() async throws {
        let guardian = GuardHarness()
        _ = try await guardian.registerEgress()
        _ = try await guardian.registerExecutor("a")
        let (answer, ahead) = try await batchAhead(guardian, updates: [
            guardian.message(updateId: 1, from: 555, text: "let me in"), guardian.message(updateId: 2, from: 100, text: "/status"),
        ])
        #expect(ahead.deliveries.isEmpty)
        #expect(answer.messages(UpdateAck.self).count == 2)
    }

    @Test func aBatchThatSendsEgressNothingHasItsFollowUpAtOnce() async throws {
        let answer = try await batch(GuardHarness(), from: 555, text: "let me in")
        #expect(answer.messages(UpdateAck.self).first?.message.outcome == .committed)
        #expect(!FollowUpHold.applies(to: answer))
    }

    @Test func aPromptWaitingForAnExecutorGetsTypingNowAndItsStatusMessageWhenDispatched() async throws {
        let guardian = GuardHarness()
        _ = try await guardian.registerEgress()
        let out = deliveries(try await guardian.send(guardian.message(updateId: 1, from: 100, text: "work"), on: .intake, from: guardian.ingress))
        #expect(out.contains { $0.kind == .chatAction })
        #expect(!out.contains { $0.deliveryId.hasPrefix("status-") }, "no status message for a job nobody works on yet")
        let registered = try await guardian.registerExecutor("a")
        let job = try #require(registered.messages(JobAssignment.self).first?.message)
        #expect(deliveries(registered).contains { $0.deliveryId == "status-\(job.jobId)" })
    }

    @Test func theStopButtonOfTheStatusMessageWorksBeforeTheCLIStarted() async throws {
        let guardian = GuardHarness()
        let out = try await prompt(guardian)
        let job = try #require(out.messages(JobAssignment.self).first?.message)
        let status = try #require(deliveries(out).first { $0.deliveryId == "status-\(job.jobId)" })
        let data = try #require(status.buttons?.first?.first?.callbackData)
        let pressed = try await guardian.send(
            InboundUpdate(updateId: 2, receivedAt: guardian.clock.now(), kind: .callbackQuery, sender: .init(id: 100),
                          chat: .init(id: 100, type: "private"), messageId: 77, callback: .init(id: "cb1", data: data, messageId: 77)),
            on: .intake, from: guardian.ingress)
        #expect(pressed.messages(CancelJob.self).first?.message.jobId == job.jobId)
    }

    @Test func theStatusMessageIsRemovedAsProgressAfterTheAnswer() async throws {
        let guardian = GuardHarness()
        let job = try await guardian.runningJob()
        _ = try await guardian.send(DeliveryResult(deliveryId: "status-\(job.jobId)", status: .sent, telegramMessageIds: [77]),
                                    on: .delivery, from: guardian.egress)
        let out = try await guardian.send(JobResult(jobId: job.jobId, attempt: 1, outcome: .completed, text: "done", finishedAt: 1),
                                          on: .work, from: Data("a".utf8))
        let sent = deliveries(out)
        let removal = try #require(sent.first { $0.kind == .deleteMessage })
        #expect(removal.targetMessageId == 77)
        let answerAt = try #require(sent.firstIndex { $0.kind == .message && $0.text == "done" })
        #expect(answerAt < sent.firstIndex { $0.kind == .deleteMessage }!, "the answer goes to egress first")
        #expect(removal.priority == .progress, "egress sends it after answers, never with a token an answer needs")
    }

    @Test func aStatusMessageTheAnswerReplacedIsNeverRemoved() async throws {
        let guardian = GuardHarness()
        let job = try await guardian.runningJob()
        // Egress dropped the status message because the answer came first.
        _ = try await guardian.send(DeliveryResult(deliveryId: "status-\(job.jobId)", status: .rejected, error: "superseded by the answer"),
                                    on: .delivery, from: guardian.egress)
        let out = try await guardian.send(JobResult(jobId: job.jobId, attempt: 1, outcome: .completed, text: "done", finishedAt: 1),
                                          on: .work, from: Data("a".utf8))
        #expect(!deliveries(out).contains { $0.kind == .deleteMessage })
    }
}
