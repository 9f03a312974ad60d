/// Why the receiver answered a request itself instead of handing it to the guard. The raw values are the `reason`s
/// of `WebhookRefusals` (docs/protocol.md) and the `error` of the JSON answer.
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
    /// The path names no hook a sender could have (`/webhooks/<name>` with a malformed name) (404).
    case unknownHook = "unknown_hook"

    /// The HTTP status the sender gets.
    public var status: Int {
        switch self {
        case .badSignature, .noSecret: 401
        case .tooLarge: 413
        case .badJSON: 400
        case .rateLimited: 429
        case .timeout: 408
        case .unknownHook: 404
        }
    }
}
