import CZeroMQ
import Foundation

enum Endpoint {
    /// Binds, refusing an `ipc://` path on which a live process is listening (libzmq would silently unlink it
    /// and take over; a stale file from a dead process is fine, libzmq replaces it). libzmq 4.3 does not remove
    /// the socket file of an explicit ipc path on close. Returns the bound endpoint (wildcard ports resolved).
    static func bind(_ socket: UnsafeMutableRawPointer, to endpoint: String) throws(TransportError) -> String {
        if let path = ipcPath(endpoint), isListening(unixSocketAt: path) {
            throw TransportError(.invalidEndpoint, "cannot bind \(endpoint): another process is listening on it")
        }
        guard zmq_bind(socket, endpoint) == 0 else {
            throw TransportError.fromZMQ("binding \(endpoint)", code: .invalidEndpoint)
        }
        return SocketOption.string(socket, ZMQ_LAST_ENDPOINT) ?? endpoint
    }

    static func connect(_ socket: UnsafeMutableRawPointer, to endpoint: String) throws(TransportError) {
        guard zmq_connect(socket, endpoint) == 0 else {
            throw TransportError.fromZMQ("connecting to \(endpoint)", code: .invalidEndpoint)
        }
    }

    /// The filesystem path of an `ipc://` endpoint; nil for other transports and abstract (`@`) names.
    static func ipcPath(_ endpoint: String) -> String? {
        let prefix = "ipc://"
        guard endpoint.hasPrefix(prefix) else { return nil }
        let path = String(endpoint.dropFirst(prefix.count))
        guard !path.isEmpty, !path.hasPrefix("@"), path != "*" else { return nil }
        return path
    }

    static func isListening(unixSocketAt path: String) -> Bool {
        guard FileManager.default.fileExists(atPath: path) else { return false }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            buffer.copyBytes(from: bytes)
            buffer[bytes.count] = 0
        }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        return rc == 0
    }
}
