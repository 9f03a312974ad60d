import Messages

extension WebhookRefusalReason {
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
