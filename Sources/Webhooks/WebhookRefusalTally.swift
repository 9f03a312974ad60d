import Messages

/// The receiver's own refusals since the last report to the guard, counted per hook and reason with a few of the
/// senders' addresses. A flood of bad requests thus costs the guard one `WebhookRefusals` a second, however many
/// requests it has. Bounded: past `maxKeys` distinct (hook, reason) pairs — random hook names in a flood — the rest
/// are counted under the hook `(other)`.
public struct WebhookRefusalTally: Sendable {
    static let overflowHook = "(other)"
    static let sendersKept = 5

    private struct Key: Hashable {
        var hook: String
        var reason: String
    }

    public let maxKeys: Int
    private var counts: [Key: WebhookRefusals.Count] = [:]
    /// When the first refusal of this report was counted.
    private var since: EpochMillis?

    public init(maxKeys: Int = 64) {
        self.maxKeys = maxKeys
    }

    public var isEmpty: Bool { counts.isEmpty }

    public mutating func record(hook: String, reason: WebhookRefusalReason, sender: String, now: EpochMillis) {
        if since == nil { since = now }
        var key = Key(hook: hook, reason: reason.rawValue)
        if counts[key] == nil, counts.count >= maxKeys - 1, hook != Self.overflowHook {
            key.hook = Self.overflowHook
        }
        var count = counts[key] ?? WebhookRefusals.Count(hook: key.hook, reason: key.reason, count: 0, senders: [])
        count.count += 1
        if count.senders.count < Self.sendersKept, !count.senders.contains(sender) { count.senders.append(sender) }
        counts[key] = count
    }

    /// Takes back a report that could not be sent, so its refusals are in the next one.
    public mutating func absorb(_ report: WebhookRefusals) {
        since = min(since ?? report.since, report.since)
        for count in report.counts {
            let key = Key(hook: count.hook, reason: count.reason)
            var merged = counts[key] ?? WebhookRefusals.Count(hook: count.hook, reason: count.reason, count: 0, senders: [])
            merged.count += count.count
            for sender in count.senders where merged.senders.count < Self.sendersKept && !merged.senders.contains(sender) {
                merged.senders.append(sender)
            }
            counts[key] = merged
        }
    }

    /// What was counted since the last report, and a fresh start; nil when nothing was refused.
    public mutating func drain() -> WebhookRefusals? {
        guard let since, !counts.isEmpty else { return nil }
        let report = WebhookRefusals(
            counts: counts.values.sorted { ($0.hook, $0.reason) < ($1.hook, $1.reason) }, since: since)
        counts = [:]
        self.since = nil
        return report
    }
}
