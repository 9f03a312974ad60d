import CZeroMQ
import Foundation
import Logging

/// One event from a libzmq socket monitor (frame 1: u16 event + u32 value, frame 2: endpoint).
struct MonitorEvent {
    let event: UInt16
    let value: UInt32
    let endpoint: String

    init?(frames: [Data]) {
        guard frames.count >= 2, frames[0].count >= 6 else { return nil }
        let header = [UInt8](frames[0])
        event = UInt16(header[0]) | UInt16(header[1]) << 8
        value = UInt32(header[2]) | UInt32(header[3]) << 8 | UInt32(header[4]) << 16 | UInt32(header[5]) << 24
        endpoint = String(decoding: frames[1], as: UTF8.self)
    }

    /// Events worth subscribing to.
    static let subscribed: Int32 = ZMQ_EVENT_CONNECTED | ZMQ_EVENT_ACCEPTED | ZMQ_EVENT_DISCONNECTED
        | ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL | ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL | ZMQ_EVENT_HANDSHAKE_FAILED_AUTH

    /// A peer that failed security or protocol checks (wrong mechanism, wrong key, refused by ZAP).
    /// Plain I/O errors during a handshake (NO_DETAIL, e.g. a peer or port probe hanging up) are not included.
    var isSecurityRelevantFailure: Bool {
        Int32(event) & (ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL | ZMQ_EVENT_HANDSHAKE_FAILED_AUTH) != 0
    }

    /// The event value rendered for logs: ZAP status code, zmq protocol error code (hex), or errno.
    var detail: String {
        switch Int32(event) {
        case ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL: "0x" + String(value, radix: 16)
        case ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL: String(cString: zmq_strerror(Int32(bitPattern: value)))
        default: "\(value)"
        }
    }

    var name: String {
        switch Int32(event) {
        case ZMQ_EVENT_CONNECTED: "connected"
        case ZMQ_EVENT_ACCEPTED: "accepted"
        case ZMQ_EVENT_DISCONNECTED: "disconnected"
        case ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL: "handshake failed"
        case ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL: "handshake failed: protocol error (security mechanism mismatch or wrong key)"
        case ZMQ_EVENT_HANDSHAKE_FAILED_AUTH: "handshake failed: authentication refused"
        default: "event \(event)"
        }
    }
}
