/// Sent about once a second in both directions on every link; a peer silent for ~3 s is presumed dead.
public struct Heartbeat: WireMessage {
    public static let type = MessageType.heartbeat
    /// Who sends it: the guard's instance id, or the connecting program's id.
    public var senderId: String
    public var sentAt: EpochMillis

    public init(senderId: String, sentAt: EpochMillis) {
        self.senderId = senderId
        self.sentAt = sentAt
    }
}
