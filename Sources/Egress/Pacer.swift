import Foundation
import Messages
import Synchronization

/// Turns the pure `PacingScheduler` into something tasks can wait on: a task asks for a permit before each
/// Telegram call and gets it when the limits allow (finals first, at most one call per chat at a time), or `nil`
/// when a newer progress state replaced its request before it was sent.
actor Pacer {
    struct Permit: Sendable {
        let request: PacedRequest<Int>
    }

    private var scheduler: PacingScheduler<Int>
    private var waiting: [Int: CheckedContinuation<Permit?, Never>] = [:]
    private var nextId = 0
    private var wakeUp: Task<Void, Never>?
    private var wakeUpAt: EpochMillis?

    init(policy: PacingPolicy = .init()) {
        scheduler = PacingScheduler(policy: policy)
    }

    /// Waits until a call for `chatId` may go out.
    func permit(chatId: Int64, priority: PacedPriority, coalesceKey: String? = nil) async -> Permit? {
        nextId += 1
        let request = PacedRequest(id: nextId, chatId: chatId, priority: priority, coalesceKey: coalesceKey)
        return await withCheckedContinuation { continuation in
            waiting[request.id] = continuation
            for dropped in scheduler.enqueue(request, now: Self.now()) {
                waiting.removeValue(forKey: dropped)?.resume(returning: nil)
            }
            pump()
        }
    }

    /// The call was made (successfully or not, but not rate limited).
    func finished(_ permit: Permit) {
        scheduler.finished(permit.request.id, now: Self.now())
        pump()
    }

    /// Telegram answered 429: wait exactly `retryAfterMs`, first in line for that chat, then go again (or nil if a
    /// newer state replaced this progress update meanwhile).
    func rateLimited(_ permit: Permit, retryAfterMs: Int64) async -> Permit? {
        await withCheckedContinuation { continuation in
            waiting[permit.request.id] = continuation
            for dropped in scheduler.rateLimited(permit.request, retryAfterMs: retryAfterMs, global: false, now: Self.now()) {
                waiting.removeValue(forKey: dropped)?.resume(returning: nil)
            }
            pump()
        }
    }

    private func pump() {
        while true {
            switch scheduler.next(now: Self.now()) {
            case .send(let request):
                waiting.removeValue(forKey: request.id)?.resume(returning: Permit(request: request))
            case .waitUntil(let time):
                schedule(at: time)
                return
            case .idle:
                return
            }
        }
    }

    private func schedule(at time: EpochMillis) {
        if let wakeUpAt, wakeUpAt <= time, wakeUp != nil { return }
        wakeUp?.cancel()
        wakeUpAt = time
        wakeUp = Task { [weak self] in
            let delay = max(0, time - Self.now())
            try? await Task.sleep(for: .milliseconds(delay))
            guard !Task.isCancelled else { return }
            await self?.woke()
        }
    }

    private func woke() {
        wakeUp = nil
        wakeUpAt = nil
        pump()
    }

    static func now() -> EpochMillis { Date().epochMillis }
}
