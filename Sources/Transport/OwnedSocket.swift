import CZeroMQ
import Foundation

/// A raw libzmq socket pointer being moved to the one thread that will own it.
/// Sockets are not thread-safe; this box is created on the thread that configured the socket and consumed once by
/// the dedicated socket thread (thread start is a full memory barrier). Nothing else touches the pointer.
struct OwnedSocket: @unchecked Sendable {
    let raw: UnsafeMutableRawPointer
}
