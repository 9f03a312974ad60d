import ToolPolicy

/// How the executor's outbound proxy listens and what bounds it keeps. Defaults suit one executor's jobs.
public struct OutboundProxyConfiguration: Sendable {
    /// Always loopback: the proxy is for this host's CLIs only.
    public var host: String = "127.0.0.1"
    /// 0 picks a free port; `OutboundProxy.port` tells which.
    public var port: Int = 0
    /// Endpoints reached without the address check: the Anthropic endpoint from `ANTHROPIC_BASE_URL` (which may be
    /// a gateway on a private network), and what the operator lists in `OUTBOUND_PROXY_ALLOW`.
    public var allowlist: Set<ProxyEndpoint> = []
    /// Client connections at once; more are answered 503.
    public var maxConnections: Int = 256
    public var headLimits = ProxyRequestHead.Limits()
    /// The whole request head must arrive within this (slow-header clients are cut off).
    public var headTimeout: Duration = .seconds(10)
    /// A connection with no traffic either way for this long is closed. Long enough for a model's streamed answer.
    public var idleTimeout: Duration = .seconds(300)
    public var connectTimeout: Duration = .seconds(10)
    /// Requests without a job's credentials (see `ProxyJobCredentials`) are answered 407.
    public var requireJobCredentials: Bool = true

    public init() {}
}
