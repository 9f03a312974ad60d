/// Why a webhook delivery was refused: by the receiver itself (the `reason`s of `WebhookRefusals` and the `error` of
/// its JSON answer; the guard audits them as text), or by the guard (`WebhookAck.reason`, `unknown_hook`). The wire
/// fields stay strings (`WebhookAck.refusalReason` reads the answer's): the receiver and the guard are upgraded
/// separately, and a report or an answer that failed to decode would be lost (a delivery never acknowledged is
/// answered 503 and sent again by its sender).
public enum WebhookRefusalReason: String, Error, Sendable, CaseIterable {
    /// The signature or token did not check out, or was missing (401).
    case badSignature = "bad_signature"
    /// No secret is configured for this hook: nothing unsigned is ever accepted (401).
    case noSecret = "no_secret"
    /// The body is larger than `WEBHOOK_MAX_BODY_BYTES` (413).
    case tooLarge = "too_large"
    /// The body is not a JSON document (400).
    case badJSON = "bad_json"
    /// The sender's address went over `WEBHOOK_RATE_LIMIT` (429).
    case rateLimited = "rate_limited"
    /// The body did not arrive within the read deadline (408).
    case timeout
    /// The path names no hook a sender could have (`/webhooks/<name>` with a malformed name), or, from the guard,
    /// no rule names the hook (404).
    case unknownHook = "unknown_hook"
}

extension WebhookAck {
    /// `reason` in the shared vocabulary; nil when there is none or this build does not know it.
    public var refusalReason: WebhookRefusalReason? { reason.flatMap(WebhookRefusalReason.init(rawValue:)) }
}
