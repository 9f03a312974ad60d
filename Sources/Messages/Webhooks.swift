import Foundation

/// A webhook delivery the receiver has authenticated, for the guard to commit and route (`intake.webhook`).
public struct WebhookEvent: WireMessage, Equatable {
    public static let type = MessageType.webhookEvent

    /// `github`, or the name in `POST /webhooks/<name>`.
    public var hook: String
    /// Unique per delivery: a sender's retry carries the same one, and the guard runs nothing twice for it.
    public var deliveryId: String
    /// GitHub's `X-GitHub-Event` (`push`, `pull_request`, …); nil for other senders.
    public var event: String?
    /// The request body: a JSON document (the receiver checked it parses).
    public var payload: Data
    public var receivedAt: EpochMillis

    public init(hook: String, deliveryId: String, event: String?, payload: Data, receivedAt: EpochMillis) {
        self.hook = hook
        self.deliveryId = deliveryId
        self.event = event
        self.payload = payload
        self.receivedAt = receivedAt
    }
}

/// The guard's answer to a `WebhookEvent`, sent once what it causes is committed (`intake.webhook_ack`).
public struct WebhookAck: WireMessage, Equatable {
    public static let type = MessageType.webhookAck

    public enum Outcome: String, Codable, Sendable {
        /// Committed; `runs` jobs were started (0 when a rule's owner was over a limit: the chat is told).
        case accepted
        /// Committed before: nothing runs again.
        case duplicate
        /// Committed, and no rule matches this event.
        case ignored
        /// Not taken: `reason` says why (`unknown_hook`).
        case refused
    }

    public var hook: String
    public var deliveryId: String
    public var outcome: Outcome
    public var runs: Int
    public var reason: String?

    public init(hook: String, deliveryId: String, outcome: Outcome, runs: Int = 0, reason: String? = nil) {
        self.hook = hook
        self.deliveryId = deliveryId
        self.outcome = outcome
        self.runs = runs
        self.reason = reason
    }

    /// `reason` of a delivery to a hook no rule names.
    public static let unknownHook = WebhookRefusalReason.unknownHook.rawValue
}

/// Requests the receiver refused by itself since its last report, counted per hook and reason
/// (`intake.webhook_refusals`); audited by the guard as `webhook.refused`.
public struct WebhookRefusals: WireMessage, Equatable {
    public static let type = MessageType.webhookRefusals

    public struct Count: Codable, Sendable, Equatable {
        public var hook: String
        /// A `WebhookRefusalReason`: `bad_signature`, `too_large`, `bad_json`, `rate_limited`, `timeout`, `no_secret`.
        public var reason: String
        public var count: Int
        /// A few of the senders' addresses (at most 5), for the audit log.
        public var senders: [String]

        public init(hook: String, reason: String, count: Int, senders: [String]) {
            self.hook = hook
            self.reason = reason
            self.count = count
            self.senders = senders
        }
    }

    public var counts: [Count]
    public var since: EpochMillis
    /// Unique per report: the guard audits a report once however often it arrives, and acknowledges it with a
    /// `WebhookAck` whose `hook` is `WebhookRefusals.ackHook` and `deliveryId` this id; the receiver re-sends it
    /// until then (a report lost with a crashed guard is not lost). Optional: older receivers send none.
    public var reportId: String?

    public init(counts: [Count], since: EpochMillis, reportId: String? = nil) {
        self.counts = counts
        self.since = since
        self.reportId = reportId
    }

    /// The `hook` of the acknowledgement of a refusal report.
    public static let ackHook = "(refusals)"
}
