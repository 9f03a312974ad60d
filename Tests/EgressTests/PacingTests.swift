import Egress
import Foundation
import Messages
import TestSupport
import Testing

// Mock clock: `now` is a plain Int64 (epoch milliseconds) that each test advances by hand.

// MARK: - Helpers

private typealias Scheduler = PacingScheduler<Int>

private func final(_ id: Int, chat: Int64, key: String? = nil) -> PacedRequest<Int> {
    PacedRequest(id: id, chatId: chat, priority: .final, coalesceKey: key)
}

private func progress(_ id: Int, chat: Int64, key: String? = nil) -> PacedRequest<Int> {
    PacedRequest(id: id, chatId: chat, priority: .progress, coalesceKey: key)
}

/// Limits so high that only ordering rules matter.
private func unlimitedPolicy() -> PacingPolicy {
    var policy = PacingPolicy()
    policy.perChatPerSecond = 1_000_000
    policy.perChatBurst = 1_000_000
    policy.perGroupPerMinute = 60_000_000
    policy.perGroupBurst = 1_000_000
    policy.globalPerSecond = 1_000_000
    policy.globalBurst = 1_000_000
    policy.progressReserve = 0
    policy.globalProgressReserve = 0
    return policy
}

/// Everything `next` hands out at `now`, each finished at once.
private func sendAll(_ scheduler: inout Scheduler, at now: EpochMillis) -> [Int] {
    var ids: [Int] = []
    while case .send(let request) = scheduler.next(now: now) {
        ids.append(request.id)
        scheduler.finished(request.id, now: now)
    }
    return ids
}

/// Drains the scheduler, jumping the clock to each `waitUntil`, finishing each send at once; returns (id, time).
private func drain(_ scheduler: inout Scheduler, from start: EpochMillis) -> [(id: Int, at: EpochMillis)] {
    var now = start
    var sent: [(id: Int, at: EpochMillis)] = []
    while true {
        switch scheduler.next(now: now) {
        case .send(let request):
            sent.append((request.id, now))
            scheduler.finished(request.id, now: now)
        case .waitUntil(let time):
            #expect(time > now)
            now = time
        case .idle:
            return sent
        }
    }
}

// MARK: - Buckets

@Test func privateChatBurstsThreeThenSendsOncePerSecond() {
    var scheduler = Scheduler()
    for id in 1...5 { scheduler.enqueue(final(id, chat: 7), now: 0) }
    #expect(sendAll(&scheduler, at: 0) == [1, 2, 3])
    #expect(scheduler.next(now: 0) == .waitUntil(1000))
    #expect(scheduler.next(now: 999) == .waitUntil(1000))
    #expect(sendAll(&scheduler, at: 1000) == [4])
    #expect(scheduler.next(now: 1000) == .waitUntil(2000))
    #expect(sendAll(&scheduler, at: 2000) == [5])
    #expect(scheduler.next(now: 2000) == .idle)

    // After a quiet spell the burst is back, then the sustained rate again.
    for id in 6...9 { scheduler.enqueue(final(id, chat: 7), now: 10_000) }
    #expect(sendAll(&scheduler, at: 10_000) == [6, 7, 8])
    #expect(scheduler.next(now: 10_000) == .waitUntil(11_000))
}

@Test func partialRefillGivesExactlyOneTokenPerSecond() {
    var scheduler = Scheduler()
    for id in 1...3 { scheduler.enqueue(final(id, chat: 7), now: 0) }
    #expect(sendAll(&scheduler, at: 0) == [1, 2, 3])
    // 1.5 s later one and a half tokens have come back: one send now, the next at 2000.
    for id in 4...6 { scheduler.enqueue(final(id, chat: 7), now: 1500) }
    #expect(sendAll(&scheduler, at: 1500) == [4])
    #expect(scheduler.next(now: 1500) == .waitUntil(2000))
}

@Test func groupBurstsThreeThenOneEveryThreeSeconds() {
    var scheduler = Scheduler()
    for id in 1...5 { scheduler.enqueue(final(id, chat: -100_123), now: 0) }
    let sent = drain(&scheduler, from: 0)
    #expect(sent.map(\.id) == [1, 2, 3, 4, 5])
    #expect(sent.map(\.at) == [0, 0, 0, 3000, 6000])
}

@Test func globalBucketBurstsThirtyThenThirtyPerSecond() {
    var scheduler = Scheduler()
    for chat in 1...40 { scheduler.enqueue(final(chat, chat: Int64(chat)), now: 0) }
    #expect(sendAll(&scheduler, at: 0).count == 30)
    var now: EpochMillis = 0
    for k in 1...10 {
        // The k-th token after the burst comes back at exactly k/30 s, rounded up to the millisecond.
        let due = EpochMillis(Int64((Double(k) * 1000 / 30).rounded(.up)))
        #expect(scheduler.next(now: now) == .waitUntil(due))
        #expect(scheduler.next(now: due - 1) == .waitUntil(due))
        now = due
        #expect(sendAll(&scheduler, at: now).count == 1)
    }
    #expect(scheduler.next(now: now) == .idle)
}

@Test func progressNeverBurstsAndLeavesTokensForFinals() {
    var scheduler = Scheduler()
    for id in 1...4 { scheduler.enqueue(progress(id, chat: 1), now: 0) }
    // Progress keeps two of the three tokens: one edit per second, never a burst.
    #expect(sendAll(&scheduler, at: 0) == [1])
    #expect(scheduler.next(now: 0) == .waitUntil(1000))
    #expect(sendAll(&scheduler, at: 1000) == [2])
    // The finals find the reserved tokens and go at once.
    scheduler.enqueue(final(5, chat: 1), now: 1200)
    scheduler.enqueue(final(6, chat: 1), now: 1200)
    #expect(sendAll(&scheduler, at: 1200) == [5, 6])
    // 0.2 tokens left; progress needs 3 (one for itself, two kept): 2.8 s later.
    #expect(scheduler.next(now: 1200) == .waitUntil(4000))
    #expect(sendAll(&scheduler, at: 4000) == [3])
}

// MARK: - Priority and order

@Test func finalsGoBeforeProgressWithinAChat() {
    var scheduler = Scheduler(policy: unlimitedPolicy())
    scheduler.enqueue(progress(1, chat: 1), now: 0)
    scheduler.enqueue(final(2, chat: 1), now: 0)
    scheduler.enqueue(progress(3, chat: 1), now: 0)
    scheduler.enqueue(final(4, chat: 1), now: 0)
    #expect(sendAll(&scheduler, at: 0) == [2, 4, 1, 3])
}

@Test func progressNeverOvertakesAnEarlierFinalOfItsChat() {
    var scheduler = Scheduler(policy: unlimitedPolicy())
    scheduler.enqueue(final(1, chat: 1), now: 0)
    scheduler.enqueue(progress(2, chat: 1, key: "a"), now: 0)
    scheduler.enqueue(final(3, chat: 1), now: 0)
    scheduler.enqueue(progress(4, chat: 1, key: "b"), now: 0)
    #expect(sendAll(&scheduler, at: 0) == [1, 3, 2, 4])
}

@Test func finalsWinTheGlobalBucketAcrossChats() {
    var policy = PacingPolicy()
    policy.globalPerSecond = 1
    policy.globalBurst = 1
    policy.globalProgressReserve = 0
    var scheduler = Scheduler(policy: policy)
    scheduler.enqueue(progress(1, chat: 1), now: 0)
    scheduler.enqueue(progress(2, chat: 2), now: 0)
    scheduler.enqueue(final(3, chat: 3), now: 0)
    #expect(sendAll(&scheduler, at: 0) == [3])
    #expect(scheduler.next(now: 0) == .waitUntil(1000))
    // A final that arrives later still goes before the progress that has waited longer.
    scheduler.enqueue(final(4, chat: 4), now: 500)
    #expect(scheduler.next(now: 500) == .waitUntil(1000))
    #expect(sendAll(&scheduler, at: 1000) == [4])
    #expect(sendAll(&scheduler, at: 2000) == [1])
    #expect(sendAll(&scheduler, at: 3000) == [2])
}

@Test func finalsOfAChatKeepTheirOrderThroughBucketsAndPauses() {
    var scheduler = Scheduler()
    for id in 1...6 { scheduler.enqueue(final(id, chat: -42), now: 0) }
    guard case .send(let first) = scheduler.next(now: 0) else { Issue.record("expected a send"); return }
    scheduler.rateLimited(first, retryAfterMs: 4000, global: false, now: 10)
    #expect(drain(&scheduler, from: 10).map(\.id) == [1, 2, 3, 4, 5, 6])
}

// MARK: - Coalescing

@Test func newerProgressReplacesWaitingProgressWithTheSameKey() {
    var scheduler = Scheduler(policy: unlimitedPolicy())
    #expect(scheduler.enqueue(progress(1, chat: 1, key: "a"), now: 0) == [])
    #expect(scheduler.enqueue(progress(2, chat: 1, key: "nil-keyed-below"), now: 0) == [])
    #expect(scheduler.enqueue(progress(3, chat: 1), now: 0) == [])
    #expect(scheduler.enqueue(progress(4, chat: 1), now: 0) == [])
    #expect(scheduler.enqueue(progress(5, chat: 1, key: "a"), now: 0) == [1])
    #expect(scheduler.enqueue(progress(6, chat: 1, key: "a"), now: 0) == [5])
    // Same key in another chat is another message: no replacing across chats.
    #expect(scheduler.enqueue(progress(7, chat: 2, key: "a"), now: 0) == [])
    #expect(scheduler.pendingCount == 5)
    let sent = sendAll(&scheduler, at: 0)
    // The newest state took the oldest one's place in line.
    #expect(sent.filter { $0 != 7 } == [6, 2, 3, 4])
    #expect(Set(sent) == [2, 3, 4, 6, 7])
}

@Test func finalDropsWaitingProgressWithItsKey() {
    var scheduler = Scheduler(policy: unlimitedPolicy())
    scheduler.enqueue(progress(1, chat: 1, key: "job"), now: 0)
    scheduler.enqueue(progress(2, chat: 1, key: "other"), now: 0)
    #expect(scheduler.enqueue(final(3, chat: 1, key: "job"), now: 0) == [1])
    #expect(scheduler.pendingCount == 2)
    #expect(sendAll(&scheduler, at: 0) == [3, 2])
}

@Test func progressInFlightIsNotReplaced() {
    var scheduler = Scheduler(policy: unlimitedPolicy())
    scheduler.enqueue(progress(1, chat: 1, key: "a"), now: 0)
    #expect(scheduler.next(now: 0) == .send(progress(1, chat: 1, key: "a")))
    #expect(scheduler.enqueue(progress(2, chat: 1, key: "a"), now: 0) == [])
    #expect(scheduler.next(now: 0) == .idle)
    scheduler.finished(1, now: 5)
    #expect(sendAll(&scheduler, at: 5) == [2])
}

// MARK: - 429

@Test func chatRateLimitPausesExactlyAndRequeuesAtTheFront() {
    var scheduler = Scheduler()
    for id in 1...3 { scheduler.enqueue(final(id, chat: 1), now: 0) }
    #expect(scheduler.next(now: 0) == .send(final(1, chat: 1)))
    #expect(scheduler.rateLimited(final(1, chat: 1), retryAfterMs: 5000, global: false, now: 100) == [])
    #expect(scheduler.pendingCount == 3)
    #expect(scheduler.inFlightCount == 0)
    #expect(scheduler.next(now: 100) == .waitUntil(5100))

    // Other chats are not held back.
    scheduler.enqueue(final(9, chat: 2), now: 200)
    #expect(sendAll(&scheduler, at: 200) == [9])
    #expect(scheduler.next(now: 5099) == .waitUntil(5100))

    #expect(sendAll(&scheduler, at: 5100) == [1])
    // No fresh burst after a 429: the sustained rate only.
    #expect(scheduler.next(now: 5100) == .waitUntil(6100))
    #expect(sendAll(&scheduler, at: 6100) == [2])
}

@Test func globalRateLimitPausesEveryChat() {
    var scheduler = Scheduler()
    scheduler.enqueue(final(1, chat: 1), now: 0)
    #expect(scheduler.next(now: 0) == .send(final(1, chat: 1)))
    scheduler.enqueue(final(2, chat: 2), now: 0)
    scheduler.enqueue(final(3, chat: -3), now: 0)
    scheduler.rateLimited(final(1, chat: 1), retryAfterMs: 2000, global: true, now: 10)
    #expect(scheduler.next(now: 10) == .waitUntil(2010))
    #expect(scheduler.next(now: 2009) == .waitUntil(2010))
    // Then no fresh burst: the global sustained rate, one per 33.3 ms.
    var sent = sendAll(&scheduler, at: 2010)
    #expect(sent.count == 1)
    #expect(scheduler.next(now: 2010) == .waitUntil(2044))
    sent += sendAll(&scheduler, at: 2044)
    #expect(scheduler.next(now: 2044) == .waitUntil(2077))
    sent += sendAll(&scheduler, at: 2077)
    #expect(sent.sorted() == [1, 2, 3])
}

@Test func rateLimitedProgressYieldsToANewerStateWaiting() {
    var scheduler = Scheduler(policy: unlimitedPolicy())
    scheduler.enqueue(progress(1, chat: 1, key: "a"), now: 0)
    scheduler.enqueue(progress(2, chat: 1, key: "b"), now: 0)
    #expect(scheduler.next(now: 0) == .send(progress(1, chat: 1, key: "a")))
    scheduler.enqueue(progress(3, chat: 1, key: "a"), now: 0)
    #expect(scheduler.rateLimited(progress(1, chat: 1, key: "a"), retryAfterMs: 1000, global: false, now: 0) == [1])
    #expect(scheduler.pendingCount == 2)
    #expect(scheduler.next(now: 999) == .waitUntil(1000))
    // The newer state took the refused one's place at the front.
    #expect(drain(&scheduler, from: 1000).map(\.id) == [3, 2])
}

// MARK: - In flight, fairness, memory, scale

@Test func oneRequestPerChatInFlight() {
    var scheduler = Scheduler(policy: unlimitedPolicy())
    scheduler.enqueue(final(1, chat: 1), now: 0)
    scheduler.enqueue(final(2, chat: 1), now: 0)
    #expect(scheduler.next(now: 0) == .send(final(1, chat: 1)))
    #expect(scheduler.next(now: 0) == .idle)
    scheduler.enqueue(final(3, chat: 2), now: 0)
    #expect(scheduler.next(now: 0) == .send(final(3, chat: 2)))
    #expect(scheduler.next(now: 0) == .idle)
    scheduler.finished(99, now: 0)  // unknown id: ignored
    #expect(scheduler.next(now: 0) == .idle)
    scheduler.finished(1, now: 0)
    #expect(scheduler.next(now: 0) == .send(final(2, chat: 1)))
    #expect(scheduler.inFlightCount == 2)
}

@Test func readyChatsTakeTurns() {
    var scheduler = Scheduler(policy: unlimitedPolicy())
    for id in 1...100 { scheduler.enqueue(final(id, chat: 1), now: 0) }
    for id in 101...103 { scheduler.enqueue(final(id, chat: 2), now: 0) }
    for id in 201...203 { scheduler.enqueue(final(id, chat: -3), now: 0) }
    let order = sendAll(&scheduler, at: 0)
    #expect(Array(order.prefix(9)) == [1, 101, 201, 2, 102, 202, 3, 103, 203])
    #expect(order.count == 106)
}

@Test func aBusyChatDoesNotStarveOthersUnderRealLimits() {
    var scheduler = Scheduler()
    for id in 1...100 { scheduler.enqueue(final(id, chat: 1), now: 0) }
    for chat in 2...49 { scheduler.enqueue(final(1000 + chat, chat: Int64(chat)), now: 0) }
    let sent = drain(&scheduler, from: 0)
    let others = sent.filter { $0.id > 1000 }
    #expect(others.count == 48)
    // Every other chat gets its message in the first global burst and its sustained tail (well under 2 s),
    // not after chat 1's 100 seconds of backlog.
    #expect(others.allSatisfy { $0.at < 2000 })
    #expect(sent.count == 148)
}

@Test func idleChatsAreForgottenOnceTheirBucketsAreFull() {
    var scheduler = Scheduler()
    scheduler.enqueue(final(1, chat: 1), now: 0)
    #expect(sendAll(&scheduler, at: 0) == [1])
    #expect(scheduler.trackedChatCount == 1)
    #expect(scheduler.next(now: 999) == .idle)
    #expect(scheduler.trackedChatCount == 1)
    #expect(scheduler.next(now: 1000) == .idle)
    #expect(scheduler.trackedChatCount == 0)
}

@Test func tenThousandPendingDrainInLinearTime() {
    var scheduler = Scheduler(policy: unlimitedPolicy())
    let clock = ContinuousClock()
    let elapsed = clock.measure {
        var id = 0
        for chat in 1...1000 {
            for n in 0..<10 {
                id += 1
                scheduler.enqueue(n % 3 == 0 ? final(id, chat: Int64(chat)) : progress(id, chat: Int64(chat)), now: 0)
            }
        }
        #expect(scheduler.pendingCount == 10_000)
        #expect(sendAll(&scheduler, at: 0).count == 10_000)
        // One chat with 10k waiting: per-chat queues are O(1) per operation too.
        for n in 0..<10_000 { scheduler.enqueue(progress(100_000 + n, chat: 5), now: 1) }
        #expect(sendAll(&scheduler, at: 1).count == 10_000)
    }
    // Well under 0.1 s when linear; a quadratic scheduler takes minutes. Wall-clock time on a loaded 2-core
    // machine is noisy, so the bound only separates those two.
    print("pacing: drained 20k requests in \(elapsed)")
    #expect(elapsed < .seconds(20), "drained 20k requests in \(elapsed)")
}

// MARK: - Simulated Telegram

/// One limit as Telegram would judge it, written independently of the scheduler's bucket: a send at `t` is fine when,
/// for every earlier send at `t_i`, the sends in [t_i, t] number at most burst + rate × (t − t_i). That is exactly
/// "a token bucket that starts full never goes negative".
private struct LimitWindow {
    let perSecond: Double
    let burst: Int
    private(set) var sends: [Int64] = []

    init(perSecond: Double, burst: Int) {
        self.perSecond = perSecond
        self.burst = burst
    }

    /// Milliseconds the send at `t` came too early (0 when it is within the limit).
    func earliness(at t: Int64) -> Int64 {
        var worst = 0.0
        for (index, earlier) in sends.enumerated() {
            let count = Double(sends.count - index + 1)
            let allowedAt = Double(earlier) + (count - Double(burst)) * 1000 / perSecond
            worst = max(worst, allowedAt - Double(t))
        }
        return worst > 1e-6 ? Int64(worst.rounded(.up)) : 0
    }

    mutating func record(_ t: Int64) { sends.append(t) }
}

/// Telegram's side: the limits of the policy, `retry_after` in whole seconds on any violation, and a pause that a
/// send inside it breaks again.
private struct SimulatedTelegram {
    enum Answer: Equatable {
        case ok
        case tooManyRequests(retryAfterMs: Int64, global: Bool)
    }

    let policy: PacingPolicy
    private var chats: [Int64: LimitWindow] = [:]
    private var groups: [Int64: LimitWindow] = [:]
    private var global: LimitWindow
    private var chatPausedUntil: [Int64: Int64] = [:]
    private var globalPausedUntil: Int64 = .min
    private(set) var tooManyRequests = 0

    init(policy: PacingPolicy) {
        self.policy = policy
        global = LimitWindow(perSecond: policy.globalPerSecond, burst: policy.globalBurst)
    }

    mutating func receive(chatId: Int64, at t: Int64) -> Answer {
        var chat = chats[chatId] ?? LimitWindow(perSecond: policy.perChatPerSecond, burst: policy.perChatBurst)
        var group = chatId < 0
            ? groups[chatId] ?? LimitWindow(perSecond: policy.perGroupPerMinute / 60, burst: policy.perGroupBurst)
            : nil
        let globalEarly = max(global.earliness(at: t), globalPausedUntil > t ? globalPausedUntil - t : 0)
        let chatEarly = max(
            chat.earliness(at: t), group?.earliness(at: t) ?? 0,
            (chatPausedUntil[chatId] ?? .min) > t ? (chatPausedUntil[chatId] ?? t) - t : 0)
        // Every request counts, refused or not.
        chat.record(t)
        group?.record(t)
        global.record(t)
        chats[chatId] = chat
        if let group { groups[chatId] = group }
        guard globalEarly > 0 || chatEarly > 0 else { return .ok }
        tooManyRequests += 1
        let isGlobal = globalEarly > 0
        let retryAfterMs = (max(globalEarly, chatEarly) + 999) / 1000 * 1000
        if isGlobal {
            globalPausedUntil = max(globalPausedUntil, t + retryAfterMs)
        } else {
            chatPausedUntil[chatId] = max(chatPausedUntil[chatId] ?? .min, t + retryAfterMs)
        }
        return .tooManyRequests(retryAfterMs: retryAfterMs, global: isGlobal)
    }
}

private struct Reply {
    var arrival: Int64
    var request: PacedRequest<Int>
}

private struct SimulationResult {
    var lastSend: Int64 = 0
    /// The clairvoyant minimum: only what no sender could avoid.
    var lowerBound: Int64 = 0
    /// The minimum for exactly the requests this run delivered.
    var lowerBoundForDelivered: Int64 = 0
    var sends = 0
    var dropped = 0
    var tooManyRequests = 0
    var concurrentSends = 0
    var finalsInOrder = true
    var finalsDelivered = 0
    var progressAccountedFor = true
}

/// The fastest any sender could finish one bucket's share, in continuous time: send each request at the earliest
/// moment its arrival, the bucket and (for a chat) the previous answer allow. Greedy is optimal for one bucket.
private func fastestLastSend(arrivals: [Int64], perSecond: Double, burst: Int, gapMs: Int64) -> Double {
    var tokens = Double(burst)
    var clock = 0.0
    var last = -Double.infinity
    for arrival in arrivals.sorted() {
        var at = max(Double(arrival), last + Double(gapMs))
        tokens = min(Double(burst), tokens + (at - clock) * perSecond / 1000)
        clock = at
        if tokens < 1 {
            at += (1 - tokens) * 1000 / perSecond
            tokens = 1
            clock = at
        }
        tokens -= 1
        last = at
    }
    return last
}

/// Only what no sender could avoid: finals, and of each progress key only the last state (anything followed by a
/// request with the same key in its chat may be coalesced away, by a sender that knew the future).
private func unavoidable(_ replies: [Reply]) -> [Reply] {
    var lastOfKey: [String: Int] = [:]
    for (index, reply) in replies.enumerated() {
        if let key = reply.request.coalesceKey { lastOfKey["\(reply.request.chatId)/\(key)"] = index }
    }
    return replies.enumerated().filter { index, reply in
        guard reply.request.priority == .progress, let key = reply.request.coalesceKey else { return true }
        return lastOfKey["\(reply.request.chatId)/\(key)"] == index
    }.map(\.element)
}

/// A lower bound on the time of the last send of these requests: each bucket alone, at its best.
private func theoreticalMinimum(_ unavoidable: [Reply], policy: PacingPolicy, latencyMs: Int64) -> Int64 {
    var bound = fastestLastSend(
        arrivals: unavoidable.map(\.arrival), perSecond: policy.globalPerSecond, burst: policy.globalBurst, gapMs: 0)
    for (chatId, chatReplies) in Dictionary(grouping: unavoidable, by: \.request.chatId) {
        let arrivals = chatReplies.map(\.arrival)
        bound = max(bound, fastestLastSend(
            arrivals: arrivals, perSecond: policy.perChatPerSecond, burst: policy.perChatBurst, gapMs: latencyMs))
        if chatId < 0 {
            bound = max(bound, fastestLastSend(
                arrivals: arrivals, perSecond: policy.perGroupPerMinute / 60, burst: policy.perGroupBurst, gapMs: 0))
        }
    }
    return Int64(bound.rounded(.up))
}

/// Drives the replies through a scheduler and a simulated Telegram that answers each call `latencyMs` later.
private func simulate(_ replies: [Reply], policy: PacingPolicy, latencyMs: Int64) -> SimulationResult {
    var result = SimulationResult()
    var scheduler = PacingScheduler<Int>(policy: policy)
    var telegram = SimulatedTelegram(policy: policy)
    let replies = replies.enumerated().sorted { ($0.element.arrival, $0.offset) < ($1.element.arrival, $1.offset) }
        .map(\.element)
    var nextArrival = 0
    var answers: [(at: Int64, request: PacedRequest<Int>, answer: SimulatedTelegram.Answer)] = []
    var inFlightChats: Set<Int64> = []
    var expectedFinals: [Int64: [Int]] = [:]
    var deliveredFinals: [Int64: [Int]] = [:]
    var progressFates: [Int: Int] = [:]
    var droppedIds: Set<Int> = []
    var now: Int64 = 0  // milliseconds from the start of the run

    while true {
        while nextArrival < replies.count, replies[nextArrival].arrival <= now {
            let request = replies[nextArrival].request
            if request.priority == .final { expectedFinals[request.chatId, default: []].append(request.id) }
            for id in scheduler.enqueue(request, now: EpochMillis(now)) {
                result.dropped += 1
                droppedIds.insert(id)
                progressFates[id, default: 0] += 1
            }
            nextArrival += 1
        }
        answers.sort { $0.at < $1.at }
        while let answer = answers.first, answer.at <= now {
            answers.removeFirst()
            inFlightChats.remove(answer.request.chatId)
            switch answer.answer {
            case .ok:
                scheduler.finished(answer.request.id, now: EpochMillis(now))
            case .tooManyRequests(let retryAfterMs, let global):
                for id in scheduler.rateLimited(answer.request, retryAfterMs: retryAfterMs, global: global, now: EpochMillis(now)) {
                    result.dropped += 1
                    droppedIds.insert(id)
                    progressFates[id, default: 0] += 1
                }
            }
        }
        var wake = Int64.max
        sending: while true {
            switch scheduler.next(now: EpochMillis(now)) {
            case .send(let request):
                result.sends += 1
                if !inFlightChats.insert(request.chatId).inserted { result.concurrentSends += 1 }
                let answer = telegram.receive(chatId: request.chatId, at: now)
                if answer == .ok {
                    result.lastSend = now
                    if request.priority == .final {
                        deliveredFinals[request.chatId, default: []].append(request.id)
                    } else {
                        progressFates[request.id, default: 0] += 1
                    }
                }
                answers.append((now + latencyMs, request, answer))
            case .waitUntil(let time):
                wake = time.rawValue
                break sending
            case .idle:
                break sending
            }
        }
        let upcoming = min(wake, nextArrival < replies.count ? replies[nextArrival].arrival : .max,
                           answers.map(\.at).min() ?? .max)
        if upcoming == .max { break }
        now = upcoming
    }

    result.tooManyRequests = telegram.tooManyRequests
    result.finalsInOrder = expectedFinals == deliveredFinals && scheduler.pendingCount == 0
    result.finalsDelivered = deliveredFinals.values.reduce(0) { $0 + $1.count }
    let progressIds = replies.filter { $0.request.priority == .progress }.map(\.request.id)
    result.progressAccountedFor = progressIds.allSatisfy { progressFates[$0] == 1 }
        && progressFates.count == progressIds.count
    result.lowerBound = theoreticalMinimum(unavoidable(replies), policy: policy, latencyMs: latencyMs)
    let deliveredIds = Set(deliveredFinals.values.joined()).union(progressFates.filter { $0.value == 1 }.keys)
        .subtracting(droppedIds)
    result.lowerBoundForDelivered = theoreticalMinimum(
        replies.filter { deliveredIds.contains($0.request.id) }, policy: policy, latencyMs: latencyMs)
    return result
}

private let simulatedChats: [Int64] = Array(1...40) + (1...10).map { -1_000_000_000_000 - Int64($0) }

/// 1,000 replies arrive within one second across 50 chats (10 of them groups), half finals, progress never
/// coalescable: the global limit decides.
private func floodWorkload(seed: UInt64) -> [Reply] {
    var random = SplitMix64(seed: seed)
    var replies: [Reply] = []
    for chat in simulatedChats {
        for _ in 0..<(chat < 0 ? 8 : 23) {
            let id = replies.count
            let isFinal = Bool.random(using: &random)
            let key: String? = isFinal || Bool.random(using: &random) ? nil : "edit-\(id)"
            replies.append(Reply(
                arrival: Int64.random(in: 0..<1000, using: &random),
                request: PacedRequest(id: id, chatId: chat, priority: isFinal ? .final : .progress, coalesceKey: key)))
        }
    }
    return replies
}

/// 1,000 replies shaped like real jobs: each job streams 2–6 progress edits of one message 200–600 ms apart, then
/// its final answer (which supersedes the edits); jobs start over 15 s in random chats.
private func jobsWorkload(seed: UInt64) -> [Reply] {
    var random = SplitMix64(seed: seed)
    var replies: [Reply] = []
    var job = 0
    while replies.count < 1000 {
        job += 1
        let chat = simulatedChats.randomElement(using: &random) ?? 1
        var at = Int64.random(in: 0..<15_000, using: &random)
        let edits = min(Int.random(in: 2...6, using: &random), 1000 - replies.count - 1)
        for _ in 0..<edits {
            replies.append(Reply(arrival: at, request: PacedRequest(
                id: replies.count, chatId: chat, priority: .progress, coalesceKey: "job-\(job)")))
            at += Int64.random(in: 200...600, using: &random)
        }
        replies.append(Reply(arrival: at, request: PacedRequest(
            id: replies.count, chatId: chat, priority: .final, coalesceKey: "job-\(job)")))
    }
    return replies
}

@Test(arguments: [("flood", UInt64(1)), ("flood", 2), ("jobs", 3), ("jobs", 4)])
func simulatedTelegramNeverAnswers429AndTimeIsNearTheMinimum(workload: String, seed: UInt64) {
    let replies = workload == "flood" ? floodWorkload(seed: seed) : jobsWorkload(seed: seed)
    #expect(replies.count == 1000)
    let result = simulate(replies, policy: PacingPolicy(), latencyMs: 60)
    let ratio = Double(result.lastSend) / Double(max(1, result.lowerBound))
    let deliveredRatio = Double(result.lastSend) / Double(max(1, result.lowerBoundForDelivered))
    print("pacing simulation \(workload)/\(seed): last send at \(result.lastSend) ms; theoretical minimum"
        + " \(result.lowerBound) ms (ratio \(String(format: "%.3f", ratio))), for what was delivered"
        + " \(result.lowerBoundForDelivered) ms (ratio \(String(format: "%.3f", deliveredRatio))); \(result.sends) sends,"
        + " \(result.dropped) coalesced, \(result.finalsDelivered) finals, \(result.tooManyRequests) × 429")
    #expect(result.tooManyRequests == 0)
    #expect(result.concurrentSends == 0)
    #expect(result.finalsInOrder)
    #expect(result.progressAccountedFor)
    #expect(result.lowerBound > 10_000)
    #expect(Double(result.lastSend) <= 1.1 * Double(result.lowerBoundForDelivered))
    if workload == "flood" {
        // Nothing can be coalesced: the clairvoyant minimum is the minimum.
        #expect(result.lowerBound == result.lowerBoundForDelivered)
        #expect(Double(result.lastSend) <= 1.1 * Double(result.lowerBound))
    } else {
        // A sender that knew which progress states a final would soon replace could skip them all; one that shows
        // progress at all cannot. In a group saturated by finals, a single early edit costs 3 s at the end.
        #expect(Double(result.lastSend) <= 1.25 * Double(result.lowerBound))
    }
}

// MARK: - Property

/// Random enqueue / next / finished / rateLimited / clock sequences under random policies, checked against a model:
/// never two requests of a chat in flight, never a send inside a pause or over a limit, finals first and in order
/// within a chat, every final delivered exactly once, every progress delivered or reported dropped exactly once.
@Test func randomOperationSequencesKeepEveryPromise() {
    var random = SplitMix64(seed: 2024)
    let chatIds: [Int64] = [1, 2, 3, -1, -2]
    for _ in 0..<150 {
        var policy = PacingPolicy()
        policy.perChatPerSecond = [0.5, 1, 5].randomElement(using: &random) ?? 1
        policy.perChatBurst = Int.random(in: 1...4, using: &random)
        policy.perGroupPerMinute = [20, 90].randomElement(using: &random) ?? 20
        policy.perGroupBurst = Int.random(in: 1...4, using: &random)
        policy.globalPerSecond = [2, 30].randomElement(using: &random) ?? 30
        policy.globalBurst = [1, 3, 30].randomElement(using: &random) ?? 30
        policy.progressReserve = Int.random(in: 0...3, using: &random)
        policy.globalProgressReserve = Int.random(in: 0...6, using: &random)
        policy.progressSettleMs = [0, 300].randomElement(using: &random) ?? 0
        policy.groupProgressSettleMs = [0, 1000].randomElement(using: &random) ?? 0
        var model = SchedulerModel(policy: policy)
        var scheduler = Scheduler(policy: policy)

        for _ in 0..<250 {
            switch Int.random(in: 0..<100, using: &random) {
            case 0..<40:
                let chat = chatIds.randomElement(using: &random) ?? 1
                let isFinal = Int.random(in: 0..<3, using: &random) == 0
                let key = [nil, "a", "b"].randomElement(using: &random) ?? nil
                let request = PacedRequest(
                    id: model.nextId, chatId: chat, priority: isFinal ? .final : .progress, coalesceKey: key)
                model.nextId += 1
                model.enqueued(request, dropped: scheduler.enqueue(request, now: model.now))
            case 40..<70:
                model.check(scheduler.next(now: model.now))
            case 70..<85:
                if let request = model.inFlight.values.randomElement(using: &random) {
                    scheduler.finished(request.id, now: model.now)
                    model.finished(request)
                }
            case 85..<90:
                if let request = model.inFlight.values.randomElement(using: &random) {
                    let retryAfter = Int64.random(in: 0...3000, using: &random)
                    let global = Int.random(in: 0..<5, using: &random) == 0
                    let dropped = scheduler.rateLimited(
                        request, retryAfterMs: retryAfter, global: global, now: model.now)
                    model.rateLimited(request, retryAfterMs: retryAfter, global: global, dropped: dropped)
                }
            default:
                model.now += Int64.random(in: 0...2000, using: &random)
            }
            #expect(scheduler.pendingCount == model.pendingCount)
            #expect(scheduler.inFlightCount == model.inFlight.count)
        }

        // Drain: everything still owed must come out.
        for request in model.inFlight.values {
            scheduler.finished(request.id, now: model.now)
            model.finished(request)
        }
        var steps = 0
        drain: while steps < 100_000 {
            steps += 1
            let next = scheduler.next(now: model.now)
            model.check(next)
            switch next {
            case .send(let request):
                scheduler.finished(request.id, now: model.now)
                model.finished(request)
            case .waitUntil(let time):
                model.now = time
            case .idle:
                break drain
            }
        }
        model.checkEverythingAccountedFor()
        #expect(scheduler.pendingCount == 0)
        if model.failures > 0 { break }  // one broken run is enough to read
    }
}

/// What the scheduler owes, kept the simplest possible way.
private struct SchedulerModel {
    let policy: PacingPolicy
    var now: EpochMillis = 1_700_000_000_000
    var nextId = 0
    var pendingFinals: [Int64: [Int]] = [:]
    var pendingProgress: [Int: PacedRequest<Int>] = [:]
    var inFlight: [Int64: PacedRequest<Int>] = [:]
    var enqueuedFinals: [Int64: [Int]] = [:]
    var deliveredFinals: [Int64: [Int]] = [:]
    var progressOutcomes: [Int: Int] = [:]
    var chatPausedUntil: [Int64: EpochMillis] = [:]
    var globalPausedUntil: EpochMillis = .min
    var chatWindows: [Int64: LimitWindow] = [:]
    var groupWindows: [Int64: LimitWindow] = [:]
    var globalWindow: LimitWindow
    var failures = 0

    init(policy: PacingPolicy) {
        self.policy = policy
        globalWindow = LimitWindow(perSecond: policy.globalPerSecond, burst: policy.globalBurst)
    }

    var pendingCount: Int { pendingFinals.values.reduce(0) { $0 + $1.count } + pendingProgress.count }

    private mutating func fail(_ message: String) {
        failures += 1
        Issue.record(Comment(rawValue: message))
    }

    mutating func enqueued(_ request: PacedRequest<Int>, dropped: [Int]) {
        if request.priority == .final {
            pendingFinals[request.chatId, default: []].append(request.id)
            enqueuedFinals[request.chatId, default: []].append(request.id)
        } else {
            pendingProgress[request.id] = request
        }
        for id in dropped {
            guard let old = pendingProgress.removeValue(forKey: id), old.chatId == request.chatId,
                  old.coalesceKey != nil, old.coalesceKey == request.coalesceKey else {
                fail("dropped \(id), which was not waiting progress with the same chat and key")
                continue
            }
            progressOutcomes[id, default: 0] += 1
        }
    }

    mutating func check(_ next: PacingScheduler<Int>.Next) {
        switch next {
        case .idle:
            break
        case .waitUntil(let time):
            if time <= now { fail("waitUntil(\(time)) is not in the future of \(now)") }
        case .send(let request):
            let chat = request.chatId
            if inFlight[chat] != nil { fail("chat \(chat) got a second request in flight") }
            if now < chatPausedUntil[chat] ?? .min { fail("chat \(chat) sent inside its pause") }
            if now < globalPausedUntil { fail("sent inside a global pause") }
            var chatWindow = chatWindows[chat]
                ?? LimitWindow(perSecond: policy.perChatPerSecond, burst: policy.perChatBurst)
            if chatWindow.earliness(at: now.rawValue) > 0 { fail("chat \(chat) over its limit") }
            chatWindow.record(now.rawValue)
            chatWindows[chat] = chatWindow
            if chat < 0 {
                var groupWindow = groupWindows[chat]
                    ?? LimitWindow(perSecond: policy.perGroupPerMinute / 60, burst: policy.perGroupBurst)
                if groupWindow.earliness(at: now.rawValue) > 0 { fail("group \(chat) over its limit") }
                groupWindow.record(now.rawValue)
                groupWindows[chat] = groupWindow
            }
            if globalWindow.earliness(at: now.rawValue) > 0 { fail("over the global limit") }
            globalWindow.record(now.rawValue)
            switch request.priority {
            case .final:
                if pendingFinals[chat]?.first != request.id { fail("final \(request.id) out of order") }
                pendingFinals[chat]?.removeFirst()
            case .progress:
                if !(pendingFinals[chat] ?? []).isEmpty { fail("progress \(request.id) overtook a final") }
                if pendingProgress.removeValue(forKey: request.id) == nil { fail("progress \(request.id) not owed") }
            }
            inFlight[chat] = request
        }
    }

    mutating func finished(_ request: PacedRequest<Int>) {
        inFlight[request.chatId] = nil
        if request.priority == .final {
            deliveredFinals[request.chatId, default: []].append(request.id)
        } else {
            progressOutcomes[request.id, default: 0] += 1
        }
    }

    mutating func rateLimited(_ request: PacedRequest<Int>, retryAfterMs: Int64, global: Bool, dropped: [Int]) {
        inFlight[request.chatId] = nil
        if global {
            globalPausedUntil = max(globalPausedUntil, now + retryAfterMs)
        } else {
            chatPausedUntil[request.chatId] = max(chatPausedUntil[request.chatId] ?? .min, now + retryAfterMs)
        }
        switch request.priority {
        case .final:
            if !dropped.isEmpty { fail("a refused final was dropped") }
            pendingFinals[request.chatId, default: []].insert(request.id, at: 0)
        case .progress:
            if dropped.isEmpty {
                pendingProgress[request.id] = request
            } else if dropped == [request.id], let key = request.coalesceKey,
                      pendingProgress.values.contains(where: { $0.chatId == request.chatId && $0.coalesceKey == key }) {
                progressOutcomes[request.id, default: 0] += 1
            } else {
                fail("refused progress \(request.id) dropped without a newer state waiting")
            }
        }
    }

    mutating func checkEverythingAccountedFor() {
        if !inFlight.isEmpty { fail("requests left in flight") }
        if pendingCount != 0 { fail("\(pendingCount) requests never sent") }
        if deliveredFinals != enqueuedFinals { fail("finals lost, repeated or reordered") }
        if progressOutcomes.values.contains(where: { $0 != 1 }) { fail("a progress sent or dropped twice") }
        let progressCount = nextId - enqueuedFinals.values.reduce(0) { $0 + $1.count }
        if progressOutcomes.count != progressCount { fail("progress lost") }
    }
}
