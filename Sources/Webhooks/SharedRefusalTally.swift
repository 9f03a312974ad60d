import Messages
import Synchronization

/// The one tally the request handlers count into and the reporter drains.
final class SharedRefusalTally: Sendable {
    private let tally = Mutex(WebhookRefusalTally())

    func record(hook: String, reason: WebhookRefusalReason, sender: String, now: EpochMillis) {
        tally.withLock { $0.record(hook: hook, reason: reason, sender: sender, now: now) }
    }

    func drain() -> WebhookRefusals? { tally.withLock { $0.drain() } }

    func absorb(_ report: WebhookRefusals) { tally.withLock { $0.absorb(report) } }
}
