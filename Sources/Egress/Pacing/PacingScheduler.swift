import Messages

/// Decides which Telegram call egress makes next, so that it sends as fast as Telegram allows and never faster.
///
/// Pure logic: no I/O, no clock; every call takes `now` in epoch milliseconds. The caller loops on `next(now:)`,
/// performs each `.send`, then reports `finished` or `rateLimited` for it.
///
/// Rules: a request needs a token from its chat's bucket, its group's bucket (chat id < 0) and the global bucket;
/// finals go before progress, within a chat and across chats; finals of a chat go first in, first out; one request
/// per chat is in flight at a time, so a chat's messages keep their order; ready chats of equal priority take turns
/// (round-robin), so a chat with a long backlog does not starve the others; a 429 pauses the chat (or everything)
/// for exactly `retry_after`.
///
/// Also: progress never uses the last `progressReserve` chat/group tokens nor the last `globalProgressReserve`
/// global ones, so finals find tokens even in a flood of edits; a chat whose own limit would make it the last to
/// finish is served whenever it can send (alternating with round-robin), which keeps the total time near the minimum.
///
/// Ids must be unique among requests pending or in flight.
///
/// Cost: `enqueue`, `next`, `finished` and `rateLimited` are O(log chats) amortized, whatever the number pending.
public struct PacingScheduler<ID: Hashable & Sendable>: Sendable {
    public enum Next: Sendable, Equatable {
        /// Send this now; its tokens are taken. Report `finished` or `rateLimited` for it afterwards.
        case send(PacedRequest<ID>)
        /// Nothing may be sent before this time; ask again then (or earlier, after enqueueing).
        case waitUntil(EpochMillis)
        /// Nothing to send until something is enqueued or an in-flight request finishes.
        case idle
    }

    /// A chat whose limits are not met yet, by the time they will be.
    private struct WaitingChat: Comparable, Sendable {
        var readyAt: EpochMillis
        var generation: UInt64
        var chatId: Int64

        static func < (lhs: WaitingChat, rhs: WaitingChat) -> Bool {
            (lhs.readyAt, lhs.generation) < (rhs.readyAt, rhs.generation)
        }
    }

    private struct ReadyChat: Sendable {
        var chatId: Int64
        var generation: UInt64
    }

    /// A ready chat by how long its own limits need to send its whole backlog; the heap is ordered longest first.
    private struct BackloggedChat: Comparable, Sendable {
        var backlogMs: Double
        var generation: UInt64
        var chatId: Int64

        static func < (lhs: BackloggedChat, rhs: BackloggedChat) -> Bool {
            (lhs.backlogMs, rhs.generation) > (rhs.backlogMs, lhs.generation)
        }
    }

    /// Chats ready to send a request of one priority: a round-robin ring, plus the same chats by backlog so that a
    /// chat whose own limit makes it the last to finish is never left waiting behind the ring.
    private struct ReadyChats: Sendable {
        var ring = PacingDeque<ReadyChat>()
        var byBacklog = PacingHeap<BackloggedChat>()
        /// Backlog-first and round-robin picks alternate, so that at least half of the sends stay round-robin.
        var lastPickByBacklog = false
    }

    private let policy: PacingPolicy
    private var chats: [Int64: PacingChat<ID>] = [:]
    private var globalBucket: PacingBucket
    private var globalPausedUntil: EpochMillis = .min
    private var waiting = PacingHeap<WaitingChat>()
    /// Chats ready to send, one set per priority of their head request.
    private var readyFinals = ReadyChats()
    private var readyProgress = ReadyChats()
    /// Idle chats, by when they can be forgotten without losing any limit state.
    private var resting = PacingHeap<WaitingChat>()
    private var inFlightChats: [ID: Int64] = [:]
    private var generation: UInt64 = 0

    /// Requests waiting to be sent (not counting those in flight).
    public private(set) var pendingCount = 0
    /// Requests handed out by `next` and not yet reported back.
    public var inFlightCount: Int { inFlightChats.count }
    /// Chats whose state is kept (pending, in flight, or limits not yet recovered); idle chats are forgotten.
    public var trackedChatCount: Int { chats.count }

    public init(policy: PacingPolicy = .init()) {
        self.policy = policy
        globalBucket = PacingBucket(perSecond: policy.globalPerSecond, burst: policy.globalBurst)
    }

    // MARK: Queueing

    /// Queues a request. Returns the ids of requests it replaced (dropped, never to be sent).
    @discardableResult
    public mutating func enqueue(_ request: PacedRequest<ID>, now: EpochMillis) -> [ID] {
        let chatId = request.chatId
        let hadFinals = !(chats[chatId]?.finals.isEmpty ?? true)
        let replaced = chats[chatId, default: PacingChat(chatId: chatId, policy: policy)].append(request, now: now)
        let dropped = replaced.map { [$0] } ?? []
        pendingCount += 1 - dropped.count
        guard let chat = chats[chatId], chat.inFlight == nil else { return dropped }
        // A new chat needs a place; a first final moves the chat up to the finals ring (and its readiness may
        // come earlier, since finals may use the reserve).
        if chat.slot == .none || (request.priority == .final && !hadFinals) {
            schedule(chatId, now: now)
        }
        return dropped
    }

    // MARK: Sending

    /// What to do now: the request to send (its tokens are taken), or when to ask again.
    public mutating func next(now: EpochMillis) -> Next {
        forgetRestedChats(now: now)
        promoteWaitingChats(now: now)

        let finalsAt = max(globalPausedUntil, globalBucket.availableAt(reserve: 0))
        let hasFinals = firstValid(in: &readyFinals.ring, priority: .final) != nil
        if hasFinals, finalsAt <= now, let chatId = takeReady(from: &readyFinals, priority: .final) {
            return send(from: chatId, now: now)
        }
        let progressAt = max(globalPausedUntil, globalBucket.availableAt(reserve: policy.globalProgressReserve))
        let hasProgress = firstValid(in: &readyProgress.ring, priority: .progress) != nil
        if hasProgress, progressAt <= now, let chatId = takeReady(from: &readyProgress, priority: .progress) {
            return send(from: chatId, now: now)
        }

        // Nothing can go now: the earliest moment something might.
        var wake: EpochMillis?
        if hasFinals { wake = finalsAt }
        if hasProgress { wake = min(wake ?? .max, progressAt) }
        if let earliest = firstValidWaiting() {
            wake = min(wake ?? .max, max(earliest.readyAt, finalsAt))
        }
        guard let wake else { return .idle }
        return .waitUntil(max(wake, now + 1))
    }

    /// A request finished (sent or failed for good): frees its chat for the next one.
    public mutating func finished(_ id: ID, now: EpochMillis) {
        guard let chatId = inFlightChats.removeValue(forKey: id), chats[chatId]?.inFlight == id else { return }
        chats[chatId]?.inFlight = nil
        schedule(chatId, now: now)
    }

    /// Telegram answered 429 with `retry_after`: pause that chat (or everything, if `global`) for exactly that long
    /// from `now`; the request goes back to the front of its chat's queue. Returns the request's id if it was dropped
    /// instead, because a newer progress state with the same key is already waiting (that one takes the front).
    /// Call it instead of `finished`, for a request `next` handed out.
    @discardableResult
    public mutating func rateLimited(
        _ request: PacedRequest<ID>, retryAfterMs: Int64, global: Bool, now: EpochMillis
    ) -> [ID] {
        let chatId = request.chatId
        let until = now.adding(saturating: max(0, retryAfterMs))
        if global {
            globalPausedUntil = max(globalPausedUntil, until)
            globalBucket.drain(until: until)
        } else {
            chats[chatId, default: PacingChat(chatId: chatId, policy: policy)].pausedUntil =
                max(chats[chatId]?.pausedUntil ?? .min, until)
            chats[chatId]?.chatBucket.drain(until: until)
            chats[chatId]?.groupBucket?.drain(until: until)
        }
        // Only a request we handed out comes back; anything else would be sent twice.
        guard inFlightChats[request.id] == chatId, chats[chatId]?.inFlight == request.id else {
            schedule(chatId, now: now)  // the pause may move the chat's turn
            return []
        }
        inFlightChats[request.id] = nil
        chats[chatId]?.inFlight = nil
        let requeued = chats[chatId]?.requeueAtFront(request) ?? false
        if requeued { pendingCount += 1 }
        schedule(chatId, now: now)
        return requeued ? [] : [request.id]
    }

    // MARK: Internals

    private mutating func send(from chatId: Int64, now: EpochMillis) -> Next {
        guard let request = chats[chatId]?.popHead() else {
            schedule(chatId, now: now)
            return next(now: now)
        }
        chats[chatId]?.inFlight = request.id
        chats[chatId]?.slot = .none
        chats[chatId]?.chatBucket.take(now: now)
        chats[chatId]?.groupBucket?.take(now: now)
        globalBucket.take(now: now)
        inFlightChats[request.id] = chatId
        pendingCount -= 1
        return .send(request)
    }

    /// Gives the chat its place for its current state: nowhere (empty or in flight), the waiting heap, or the tail
    /// of a ready ring. A new generation makes every older entry for the chat stale.
    private mutating func schedule(_ chatId: Int64, now: EpochMillis) {
        guard let chat = chats[chatId] else { return }
        generation += 1
        guard chat.inFlight == nil, let priority = chat.headPriority,
              let readyAt = chats[chatId]?.readyAt(for: priority, reserve: policy.progressReserve) else {
            chats[chatId]?.slot = .none
            if chat.inFlight == nil {
                resting.insert(WaitingChat(readyAt: chat.restedAt, generation: generation, chatId: chatId))
            }
            return
        }
        if readyAt <= now {
            makeReady(chatId, priority: priority, generation: generation)
        } else {
            chats[chatId]?.slot = .waiting(generation)
            waiting.insert(WaitingChat(readyAt: readyAt, generation: generation, chatId: chatId))
        }
    }

    private mutating func makeReady(_ chatId: Int64, priority: PacedPriority, generation: UInt64) {
        chats[chatId]?.slot = .ready(priority, generation)
        let entry = ReadyChat(chatId: chatId, generation: generation)
        switch priority {
        case .final: readyFinals.ring.pushBack(entry)
        case .progress: readyProgress.ring.pushBack(entry)
        }
        noteBacklog(of: chatId, priority: priority, generation: generation)
    }

    /// Records how long the chat's own limits need for its whole backlog, as of becoming ready.
    private mutating func noteBacklog(of chatId: Int64, priority: PacedPriority, generation: UInt64) {
        guard let chat = chats[chatId] else { return }
        let entry = BackloggedChat(
            backlogMs: Double(chat.pendingCount) * chat.sendInterval, generation: generation, chatId: chatId)
        switch priority {
        case .final: readyFinals.byBacklog.insert(entry)
        case .progress: readyProgress.byBacklog.insert(entry)
        }
        // Stale entries below a valid top are never popped; rebuild now and then so memory stays bounded (at most
        // one entry per chat is current, so each rebuild at least halves the heap: amortized O(log n) per insert).
        let limit = 2 * chats.count + 64
        if readyFinals.byBacklog.count > limit { prune(&readyFinals.byBacklog, priority: .final) }
        if readyProgress.byBacklog.count > limit { prune(&readyProgress.byBacklog, priority: .progress) }
    }

    private func prune(_ heap: inout PacingHeap<BackloggedChat>, priority: PacedPriority) {
        heap.removeAll { !isCurrent($0, priority) }
    }

    private func isCurrent(_ entry: BackloggedChat, _ priority: PacedPriority) -> Bool {
        chats[entry.chatId]?.slot == .ready(priority, entry.generation)
    }

    /// The next chat to serve among the ready ones: round-robin, except that a chat whose own backlog takes at least
    /// as long as everything pending takes under the global limit may go first. Such a chat would otherwise be the
    /// last to finish (round-robin gives it only its share of the global rate, less than its own limit allows).
    /// Those picks alternate with round-robin ones, so several long chats together cannot crowd out short ones.
    private func takeReady(from ready: inout ReadyChats, priority: PacedPriority) -> Int64? {
        while let top = ready.byBacklog.min, !isCurrent(top, priority) { ready.byBacklog.popMin() }
        let everythingMs = Double(pendingCount) * globalBucket.interval
        if !ready.lastPickByBacklog, let top = ready.byBacklog.min, top.backlogMs >= everythingMs {
            ready.byBacklog.popMin()
            ready.lastPickByBacklog = true
            return top.chatId
        }
        ready.lastPickByBacklog = false
        guard let first = firstValid(in: &ready.ring, priority: priority) else { return nil }
        ready.ring.popFront()
        return first.chatId
    }

    private mutating func promoteWaitingChats(now: EpochMillis) {
        while let earliest = waiting.min, earliest.readyAt <= now {
            waiting.popMin()
            guard let chat = chats[earliest.chatId], chat.slot == .waiting(earliest.generation),
                  let priority = chat.headPriority else { continue }
            makeReady(earliest.chatId, priority: priority, generation: earliest.generation)
        }
    }

    private mutating func firstValidWaiting() -> WaitingChat? {
        while let earliest = waiting.min {
            if chats[earliest.chatId]?.slot == .waiting(earliest.generation) { return earliest }
            waiting.popMin()
        }
        return nil
    }

    /// The first entry of a ready ring that still describes its chat, dropping stale ones on the way.
    private func firstValid(in ring: inout PacingDeque<ReadyChat>, priority: PacedPriority) -> ReadyChat? {
        while let entry = ring.first {
            if chats[entry.chatId]?.slot == .ready(priority, entry.generation) { return entry }
            ring.popFront()
        }
        return nil
    }

    /// Forgets chats that have been idle long enough that their buckets are full and their pause is over: a fresh
    /// chat state is then identical, and memory stays bounded by the active chats.
    private mutating func forgetRestedChats(now: EpochMillis) {
        while let earliest = resting.min, earliest.readyAt <= now {
            resting.popMin()
            guard let chat = chats[earliest.chatId], chat.inFlight == nil, chat.pendingCount == 0,
                  chat.restedAt <= now else { continue }
            chats[earliest.chatId] = nil
        }
    }
}
