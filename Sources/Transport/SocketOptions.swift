import Foundation

/// Per-socket settings. Defaults suit a local deployment; see each field.
public struct SocketOptions: Sendable {
    /// How long `close()` keeps trying to hand queued sends to libzmq, and how long libzmq keeps flushing
    /// them afterwards (until `ZMQContext.shutdown()`). Never infinite.
    public var linger: Duration = .seconds(1)
    public var sendHighWaterMark: Int32 = 100_000
    public var receiveHighWaterMark: Int32 = 100_000
    /// DEALER identity (ZMQ_ROUTING_ID); 1...255 bytes, must not start with a zero byte.
    public var routingId: Data? = nil
    public var reconnectInterval: Duration = .milliseconds(100)
    public var reconnectIntervalMax: Duration = .seconds(1)
    /// ZMTP heartbeat interval (the connection is dropped after 3 missed intervals); nil disables it.
    /// Detects dead TCP peers that never sent a FIN.
    public var heartbeatInterval: Duration? = .seconds(5)
    /// DEALER: how long `send` may wait for room in the send queue before failing with `.timedOut`;
    /// nil waits indefinitely. Sends normally never wait: libzmq queues up to `sendHighWaterMark` messages
    /// while the peer is down.
    public var sendTimeout: Duration? = .seconds(30)
    public var security: Security = .none

    public enum Security: Sendable, Equatable {
        case none
        /// Z85 secret key (40 chars) of this server; `zapDomain` is passed to the ZAP handler.
        case curveServer(secretKey: String, zapDomain: String)
        /// Z85 keys (40 chars each).
        case curveClient(serverPublicKey: String, publicKey: String, secretKey: String)
    }

    public init() {}
}

extension SocketOptions.Security: CustomStringConvertible {
    /// Never prints key material.
    public var description: String {
        switch self {
        case .none: "none"
        case .curveServer(_, let domain): "curveServer(domain: \(domain))"
        case .curveClient: "curveClient"
        }
    }
}

extension Duration {
    /// Whole milliseconds, clamped to Int32 (what libzmq options take).
    var zmqMilliseconds: Int32 {
        let (seconds, attoseconds) = components
        let millis = seconds.multipliedReportingOverflow(by: 1000)
        guard !millis.overflow else { return seconds < 0 ? Int32.min : Int32.max }
        return Int32(clamping: millis.partialValue + attoseconds / 1_000_000_000_000_000)
    }
}
