import Egress
import Messages
import Testing

// An answer never waits behind progress: what the pacing of each delivery is, and one person's quick
// back-and-forth played through the real scheduler under Telegram's per-chat limit (1/s, burst 3).

private func delivery(_ kind: Delivery.Kind, priority: Delivery.Priority? = nil, job: String? = "j1") -> Delivery {
    var delivery = Delivery(deliveryId: "d", kind: kind, chatId: 7, text: "x", jobId: job)
    delivery.priority = priority
    return delivery
}

@Test func statusMessagesAndEditsAreProgressTheAnswerReplaces() {
    #expect(DeliveryPacing.of(delivery(.message, priority: .progress)) == DeliveryPacing(priority: .progress, coalesceKey: "job-j1"))
    #expect(DeliveryPacing.of(delivery(.editMessage, priority: .progress)) == DeliveryPacing(priority: .progress, coalesceKey: "job-j1"))
    #expect(DeliveryPacing.of(delivery(.message)) == DeliveryPacing(priority: .final, coalesceKey: "job-j1"))
    #expect(DeliveryPacing.of(delivery(.document)) == DeliveryPacing(priority: .final, coalesceKey: "job-j1"))
}

@Test func theStatusMessageIsRemovedAsProgressThatNothingDrops() {
    #expect(DeliveryPacing.of(delivery(.deleteMessage, priority: .progress)) == DeliveryPacing(priority: .progress, coalesceKey: nil))
    // A deletion the guard must see done (a message that held a token) stays final.
    #expect(DeliveryPacing.of(delivery(.deleteMessage, job: nil)) == DeliveryPacing(priority: .final, coalesceKey: nil))
    #expect(DeliveryPacing.of(delivery(.editMessage)) == DeliveryPacing(priority: .final, coalesceKey: nil))
}

/// One person's prompts in a row: each job's status message at once, an edit every 1.5 s while it runs, the answer
/// after `stepMs`, the removal of the status message after the answer if it was shown (or as soon as it is shown, if
/// that was after the answer); the next prompt `gapMs` after the answer was sent. Every call is answered at once. Returns how long each answer waited for its send, and how
/// many status messages the answers replaced.
private func backAndForth(
    prompts: Int, stepMs: Int64, gapMs: Int64, pacing: (Delivery) -> DeliveryPacing
) -> (answerWaits: [Int64], statusDropped: Int, statusAfterAnswer: Int) {
    var scheduler = PacingScheduler<Int>(policy: PacingPolicy())
    var kinds: [Int: (job: Int, delivery: Delivery)] = [:]
    var nextId = 0
    var statusSent = Set<Int>(), statusDropped = 0, statusAfterAnswer = 0
    var answerQueuedAt: [Int: EpochMillis] = [:], answerWaits: [Int64] = []
    var now: EpochMillis = 0
    var job = 0, jobStart: EpochMillis = 0, lastEdit: EpochMillis = 0, answered = true, nextPromptAt: EpochMillis = 0

    func enqueue(_ delivery: Delivery, job: Int) {
        nextId += 1
        kinds[nextId] = (job, delivery)
        let rule = pacing(delivery)
        for dropped in scheduler.enqueue(PacedRequest(id: nextId, chatId: 7, priority: rule.priority, coalesceKey: rule.coalesceKey), now: now) {
            if kinds[dropped]?.delivery.kind == .message { statusDropped += 1 }
        }
    }
    while answerWaits.count < prompts && now < 600_000 {
        if answered && now >= nextPromptAt && job < prompts {
            job += 1
            answered = false
            jobStart = now
            lastEdit = now
            enqueue(delivery(.message, priority: .progress, job: "\(job)"), job: job)
        }
        if !answered && now - jobStart < stepMs && now - lastEdit >= 1_500 && statusSent.contains(job) {
            lastEdit = now
            enqueue(delivery(.editMessage, priority: .progress, job: "\(job)"), job: job)
        }
        if !answered && now - jobStart == stepMs {
            if statusSent.contains(job) { enqueue(delivery(.deleteMessage, priority: .progress, job: "\(job)"), job: job) }
            enqueue(delivery(.message, job: "\(job)"), job: job)
            answerQueuedAt[nextId] = now
            answered = true
            nextPromptAt = .max
        }
        while case .send(let request) = scheduler.next(now: now) {
            if let queued = answerQueuedAt[request.id] {
                answerWaits.append(now - queued)
                nextPromptAt = now + gapMs
            } else if let sent = kinds[request.id], sent.delivery.kind == .message {
                statusSent.insert(sent.job)
                // Shown after its job's answer: the guard removes it as soon as Telegram reports it.
                if sent.job < job || answered {
                    statusAfterAnswer += 1
                    enqueue(delivery(.deleteMessage, priority: .progress, job: "\(sent.job)"), job: sent.job)
                }
            }
            scheduler.finished(request.id, now: now)
        }
        now += 1
    }
    return (answerWaits, statusDropped, statusAfterAnswer)
}

/// The rules before: the status message never replaced, its removal paced as final.
private func previousPacing(_ delivery: Delivery) -> DeliveryPacing {
    let key = delivery.jobId.map { "job-\($0)" }
    switch (delivery.kind, delivery.priority) {
    case (.message, .progress): return DeliveryPacing(priority: .progress, coalesceKey: nil)
    case (.editMessage, .progress): return DeliveryPacing(priority: .progress, coalesceKey: key)
    default: return DeliveryPacing(priority: .final, coalesceKey: key)
    }
}

@Test(arguments: [(stepMs: Int64(900), gapMs: Int64(400)), (stepMs: 60, gapMs: 1_000), (stepMs: 4_000, gapMs: 300)])
func answersNeverWaitForTokensProgressUsedUp(stepMs: Int64, gapMs: Int64) {
    let run = backAndForth(prompts: 20, stepMs: stepMs, gapMs: gapMs, pacing: DeliveryPacing.of)
    #expect(run.answerWaits.count == 20)
    #expect(run.answerWaits.allSatisfy { $0 == 0 }, "answers waited \(run.answerWaits) ms")
    #expect(run.statusAfterAnswer == 0, "a status message was shown after its job's answer")
}

@Test func aStatusMessageStillWaitingWhenTheAnswerIsReadyIsDroppedNotShownLate() {
    // Under the previous rules the same back-and-forth showed "working…" after answers (then removed it again,
    // each costing a token); now the answer replaces it.
    let before = backAndForth(prompts: 20, stepMs: 900, gapMs: 400, pacing: previousPacing)
    #expect(before.statusAfterAnswer > 0)
    let now = backAndForth(prompts: 20, stepMs: 900, gapMs: 400, pacing: DeliveryPacing.of)
    #expect(now.statusDropped > 0)
    #expect(now.statusAfterAnswer == 0)
}
