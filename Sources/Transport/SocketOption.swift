import CZeroMQ
import Foundation

/// Thin typed wrappers over `zmq_setsockopt` / `zmq_getsockopt`.
enum SocketOption {
    static func set(_ socket: UnsafeMutableRawPointer, _ option: Int32, _ value: Int32, _ name: String) throws(TransportError) {
        var value = value
        let rc = withUnsafeBytes(of: &value) { zmq_setsockopt(socket, option, $0.baseAddress, $0.count) }
        guard rc == 0 else { throw TransportError.fromZMQ("setting \(name)") }
    }

    static func set(_ socket: UnsafeMutableRawPointer, _ option: Int32, bytes: some Collection<UInt8>, _ name: String, code: TransportError.Code = .zmq) throws(TransportError) {
        let array = Array(bytes)
        let rc = array.withUnsafeBytes { zmq_setsockopt(socket, option, $0.baseAddress, $0.count) }
        guard rc == 0 else { throw TransportError.fromZMQ("setting \(name)", code: code) }
    }

    static func string(_ socket: UnsafeMutableRawPointer, _ option: Int32) -> String? {
        var buffer = [UInt8](repeating: 0, count: 1024)
        var size = buffer.count
        let rc = buffer.withUnsafeMutableBytes { zmq_getsockopt(socket, option, $0.baseAddress, &size) }
        guard rc == 0 else { return nil }
        let bytes = buffer.prefix(size).prefix { $0 != 0 }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Applies `options` to a freshly created socket.
    static func apply(_ options: SocketOptions, to socket: UnsafeMutableRawPointer, context: ZMQContext) throws(TransportError) {
        try set(socket, ZMQ_LINGER, max(0, options.linger.zmqMilliseconds), "ZMQ_LINGER")
        try set(socket, ZMQ_SNDHWM, options.sendHighWaterMark, "ZMQ_SNDHWM")
        try set(socket, ZMQ_RCVHWM, options.receiveHighWaterMark, "ZMQ_RCVHWM")
        try set(socket, ZMQ_RECONNECT_IVL, max(1, options.reconnectInterval.zmqMilliseconds), "ZMQ_RECONNECT_IVL")
        try set(socket, ZMQ_RECONNECT_IVL_MAX, max(0, options.reconnectIntervalMax.zmqMilliseconds), "ZMQ_RECONNECT_IVL_MAX")
        if let heartbeat = options.heartbeatInterval {
            let interval = max(1, heartbeat.zmqMilliseconds)
            try set(socket, ZMQ_HEARTBEAT_IVL, interval, "ZMQ_HEARTBEAT_IVL")
            try set(socket, ZMQ_HEARTBEAT_TIMEOUT, interval.multipliedReportingOverflow(by: 3).overflow ? Int32.max : interval * 3, "ZMQ_HEARTBEAT_TIMEOUT")
        }
        if let routingId = options.routingId {
            guard (1...255).contains(routingId.count), routingId.first != 0 else {
                throw TransportError(.zmq, "routingId must be 1...255 bytes and must not start with a zero byte")
            }
            try set(socket, ZMQ_ROUTING_ID, bytes: routingId, "ZMQ_ROUTING_ID")
        }
        switch options.security {
        case .none:
            break
        case .curveServer(let secretKey, let zapDomain):
            // Without a ZAP handler libzmq admits every client: refuse to run a CURVE server without one.
            guard context.hasAuthenticator else {
                throw TransportError(.security, "a CURVE server needs a running ZAPAuthenticator in the same context")
            }
            try CurveKeyPair.requireValid(secretKey, role: "server secret key")
            try set(socket, ZMQ_CURVE_SERVER, 1, "ZMQ_CURVE_SERVER")
            try set(socket, ZMQ_CURVE_SECRETKEY, bytes: secretKey.utf8, "the CURVE secret key", code: .security)
            try set(socket, ZMQ_ZAP_DOMAIN, bytes: zapDomain.utf8, "ZMQ_ZAP_DOMAIN")
        case .curveClient(let serverPublicKey, let publicKey, let secretKey):
            try CurveKeyPair.requireValid(serverPublicKey, role: "server public key")
            try CurveKeyPair.requireValid(publicKey, role: "client public key")
            try CurveKeyPair.requireValid(secretKey, role: "client secret key")
            try set(socket, ZMQ_CURVE_SERVERKEY, bytes: serverPublicKey.utf8, "the CURVE server key", code: .security)
            try set(socket, ZMQ_CURVE_PUBLICKEY, bytes: publicKey.utf8, "the CURVE public key", code: .security)
            try set(socket, ZMQ_CURVE_SECRETKEY, bytes: secretKey.utf8, "the CURVE secret key", code: .security)
        }
    }
}
