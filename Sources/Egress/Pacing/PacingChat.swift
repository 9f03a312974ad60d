import Messages

/// Everything the scheduler knows about one chat: its queues, its buckets, its pause, and what it has in flight.
struct PacingChat<ID: Hashable & Sendable>: Sendable {
    /// Where the chat sits in the scheduler; entries elsewhere that do not match this are stale and skipped.
    enum Slot: Sendable, Equatable {
        case none
        case waiting(UInt64)
        case ready(PacedPriority, UInt64)
    }

    /// A progress request, and when it may go: a short settling time lets a quickly following newer state or final
    /// replace it before it costs a token.
    private struct WaitingProgress: Sendable {
        var request: PacedRequest<ID>
        var eligibleAt: EpochMillis
    }

    /// Finals, strictly first in, first out.
    private(set) var finals = PacingDeque<PacedRequest<ID>>()
    /// Progress in sending order, as order numbers; an order whose request was dropped stays here and is skipped.
    private var progressOrder = PacingDeque<Int>()
    private var progressByOrder: [Int: WaitingProgress] = [:]
    private var progressOrderByKey: [String: Int] = [:]
    private var nextOrder = 0

    let progressSettleMs: Int64
    var chatBucket: PacingBucket
    var groupBucket: PacingBucket?
    var pausedUntil: EpochMillis = .min
    var inFlight: ID?
    var slot: Slot = .none

    init(chatId: Int64, policy: PacingPolicy) {
        chatBucket = PacingBucket(perSecond: policy.perChatPerSecond, burst: policy.perChatBurst)
        progressSettleMs = max(0, chatId < 0 ? policy.groupProgressSettleMs : policy.progressSettleMs)
        if chatId < 0 {
            groupBucket = PacingBucket(perSecond: policy.perGroupPerMinute / 60, burst: policy.perGroupBurst)
        }
    }

    var pendingCount: Int { finals.count + progressByOrder.count }

    /// Finals go before progress; nil when nothing waits.
    var headPriority: PacedPriority? {
        if !finals.isEmpty { return .final }
        return progressByOrder.isEmpty ? nil : .progress
    }

    /// Earliest time this chat's own limits allow sending its head request.
    mutating func readyAt(for priority: PacedPriority, reserve: Int) -> EpochMillis {
        let kept = priority == .final ? 0 : reserve
        var at = max(pausedUntil, chatBucket.availableAt(reserve: kept))
        if let groupBucket { at = max(at, groupBucket.availableAt(reserve: kept)) }
        if priority == .progress { at = max(at, progressHeadEligibleAt() ?? .min) }
        return at
    }

    /// When the first waiting progress has settled (dropping replaced entries at the front on the way).
    private mutating func progressHeadEligibleAt() -> EpochMillis? {
        while let order = progressOrder.first {
            if let head = progressByOrder[order] { return head.eligibleAt }
            progressOrder.popFront()
        }
        return nil
    }

    /// Milliseconds per request under this chat's own limits, sustained.
    var sendInterval: Double { max(chatBucket.interval, groupBucket?.interval ?? 0) }

    /// When forgetting this chat loses nothing: no pause, and buckets full again.
    var restedAt: EpochMillis { max(pausedUntil, chatBucket.restedAt, groupBucket?.restedAt ?? .min) }

    // MARK: Queues

    /// Adds a request; returns the id of the waiting request it replaced, if any.
    mutating func append(_ request: PacedRequest<ID>, now: EpochMillis) -> ID? {
        switch request.priority {
        case .final:
            finals.pushBack(request)
            guard let key = request.coalesceKey else { return nil }
            return removeProgress(key: key)?.id
        case .progress:
            if let key = request.coalesceKey, let order = progressOrderByKey[key],
               let replaced = progressByOrder[order] {
                // The newest state takes the old one's place in line, and its settling time.
                progressByOrder[order]?.request = request
                return replaced.request.id
            }
            insertProgress(request, atFront: false, eligibleAt: now.adding(saturating: progressSettleMs))
            return nil
        }
    }

    /// Puts a request that Telegram refused back at the front. Returns false when a newer progress with the same
    /// key is already waiting: that one takes the front instead and the refused one is dropped.
    mutating func requeueAtFront(_ request: PacedRequest<ID>) -> Bool {
        switch request.priority {
        case .final:
            finals.pushFront(request)
            return true
        case .progress:
            if let key = request.coalesceKey, let newer = removeProgress(key: key) {
                insertProgress(newer, atFront: true, eligibleAt: .min)
                return false
            }
            insertProgress(request, atFront: true, eligibleAt: .min)
            return true
        }
    }

    mutating func popHead() -> PacedRequest<ID>? {
        if let final = finals.popFront() { return final }
        while let order = progressOrder.popFront() {
            guard let request = progressByOrder.removeValue(forKey: order)?.request else { continue }
            if let key = request.coalesceKey, progressOrderByKey[key] == order {
                progressOrderByKey[key] = nil
            }
            return request
        }
        return nil
    }

    private mutating func insertProgress(_ request: PacedRequest<ID>, atFront: Bool, eligibleAt: EpochMillis) {
        let order = nextOrder
        nextOrder += 1
        if atFront { progressOrder.pushFront(order) } else { progressOrder.pushBack(order) }
        progressByOrder[order] = WaitingProgress(request: request, eligibleAt: eligibleAt)
        if let key = request.coalesceKey { progressOrderByKey[key] = order }
    }

    private mutating func removeProgress(key: String) -> PacedRequest<ID>? {
        guard let order = progressOrderByKey.removeValue(forKey: key) else { return nil }
        return progressByOrder.removeValue(forKey: order)?.request
    }
}
