import Settings
import Transport

/// The webhook receiver's settings (read from the environment by `ProgramEnvironment.webhooksConfiguration()`).
public struct WebhooksConfiguration: Sendable {
    /// `API_SERVER_HOST` / `API_SERVER_PORT`: where the HTTP server listens (port 0: any free port, for tests).
    public var host: String = "0.0.0.0"
    public var port: Int = 8080
    /// `GITHUB_WEBHOOK_SECRET`: checks `X-Hub-Signature-256` on `/webhooks/github`.
    public var githubSecret: Secret?
    /// `WEBHOOK_API_SECRET`: Bearer token or `X-Signature-256` HMAC key of every other hook.
    public var apiSecret: Secret?
    /// `WEBHOOK_MAX_BODY_BYTES`: larger bodies get 413.
    public var maxBodyBytes: Int = 1 << 20
    /// `WEBHOOK_RATE_LIMIT`: requests a minute per sender address (also the burst).
    public var rateLimitPerMinute: Int = 60
    /// Senders the rate limiter remembers at most.
    public var maxTrackedSenders: Int = 10_000

    /// The guard's intake endpoint, and this program's id there (`WEBHOOKS_ID`).
    public var guardEndpoint: String
    public var webhooksId: String
    /// CURVE on the link to the guard (`tcp://` endpoints); `.none` on `ipc://`.
    public var guardLinkSecurity: SocketOptions.Security = .none
    /// Where the program reports whether it is really working (`gatehouse health`, `/healthz`).
    public var health: HealthSignal?

    /// An event is sent again this often until the guard acknowledges it…
    public var ackResendInterval: Duration = .seconds(1)
    /// …and the sender gets 503 (and retries later) if no acknowledgement came by then.
    public var ackDeadline: Duration = .seconds(10)
    /// The whole body must have arrived this long after the request head (slow-loris): else 408.
    public var bodyDeadline: Duration = .seconds(10)
    /// A connection with nothing read or written for this long is closed (slow headers, idle keep-alives).
    public var idleTimeout: Duration = .seconds(15)
    /// Refusal counts go to the guard at most this often.
    public var refusalReportInterval: Duration = .seconds(1)

    /// Called with the port once the server listens (tests bind port 0).
    public var onListening: (@Sendable (Int) -> Void)?

    public init(guardEndpoint: String, webhooksId: String) {
        self.guardEndpoint = guardEndpoint
        self.webhooksId = webhooksId
    }
}
