import CZeroMQ

/// A transport failure: a stable, opaque `code` to branch on and a human-readable `message`.
/// Messages never contain key material.
public struct TransportError: Error, CustomStringConvertible, Equatable {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        private init(_ rawValue: String) { self.rawValue = rawValue }

        /// ROUTER: the addressed peer is not (or no longer) connected.
        public static let peerUnreachable = Code("peer_unreachable")
        /// The socket (or its context) is closed.
        public static let closed = Code("closed")
        /// ROUTER: the peer's outbound queue is at its high-water mark.
        public static let queueFull = Code("queue_full")
        /// The endpoint could not be bound or connected (bad syntax, address in use, ...).
        public static let invalidEndpoint = Code("invalid_endpoint")
        /// Bad CURVE key, CURVE unavailable, or a CURVE server without a running ZAP handler.
        public static let security = Code("security")
        /// DEALER: the message could not be queued within `SocketOptions.sendTimeout` (send queue at its HWM, or
        /// no usable connection, e.g. after a failed security handshake, after which libzmq stops reconnecting).
        public static let timedOut = Code("timed_out")
        /// A message with no frames.
        public static let invalidMessage = Code("invalid_message")
        /// Any other libzmq failure.
        public static let zmq = Code("zmq")

        public var description: String { rawValue }
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }

    /// Wraps the current libzmq errno; `action` says what was attempted.
    static func fromZMQ(_ action: String, code: Code = .zmq, errno: Int32 = zmq_errno()) -> TransportError {
        let reason = String(cString: zmq_strerror(errno))
        if errno == ETERM { return TransportError(.closed, "\(action): context terminated") }
        return TransportError(code, "\(action): \(reason)")
    }
}
