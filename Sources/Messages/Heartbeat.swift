/// Sent about once a second in both directions on every link; a peer silent for ~3 s is presumed dead.
public struct Heartbeat: WireMessage {
    public static let type = MessageType.heartbeat
    /// Who sends it: the guard's instance id, or the connecting program's id.
    public var senderId: String
    public var sentAt: EpochMillis
    /// Set by the guard when answering a peer: false means "I don't know you (any more), send READY again",
    /// which is how executors and egress re-register by themselves after a guard restart.
    public var registered: Bool?
    /// Set by the guard when it serves metrics (`METRICS_ADDRESS`): peers then send theirs.
    public var collectMetrics: Bool?
    /// A peer's own metrics in Prometheus' text format, at most every few seconds while the guard collects them.
    public var metrics: String?

    public init(senderId: String, sentAt: EpochMillis, registered: Bool? = nil, collectMetrics: Bool? = nil, metrics: String? = nil) {
        self.senderId = senderId
        self.sentAt = sentAt
        self.registered = registered
        self.collectMetrics = collectMetrics
        self.metrics = metrics
    }
}
