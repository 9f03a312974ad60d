import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The client end of one connection, as a blocking handler sees it: lets a handler that holds a request open
/// (a long poll) notice that the client went away.
public struct LoopbackHTTPPeer: Sendable {
    let fd: Int32

    /// True once the client closed its side (or the server hung up). Data already sent by the client (a pipelined
    /// request) does not count as hanging up.
    public var hasHungUp: Bool {
        var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptor, 1, 0) > 0 else { return false }
        if descriptor.revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0 { return true }
        var byte: UInt8 = 0
        return recv(fd, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT)) == 0
    }
}
