import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Runs blocking socket work on a Dispatch thread, never on the test's cooperative thread.
func offPool<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(returning: work()) }
    }
}

/// A blocking TCP client to 127.0.0.1 with a receive timeout: what a CLI's tool does, byte for byte.
final class TestClient: Sendable {
    let fd: Int32

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let status = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard status == 0 else { close(fd); throw TestSocketError.connect(errno) }
    }

    func send(_ text: String) async { await send(Array(text.utf8)) }

    func send(_ bytes: [UInt8]) async {
        let fd = fd
        _ = await offPool { bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } }
    }

    /// Reads until `done` says so, the peer closes, or 5 s pass without data.
    func receive(until done: @escaping @Sendable (String) -> Bool = { _ in false }) async -> String {
        let fd = fd
        return await offPool {
            var bytes: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while !done(String(decoding: bytes, as: UTF8.self)) {
                let count = recv(fd, &buffer, buffer.count, 0)
                if count <= 0 { break }
                bytes += buffer[0..<count]
            }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    func shutdownWrite() { shutdown(fd, Int32(SHUT_WR)) }

    deinit { close(fd) }
}

enum TestSocketError: Error { case connect(Int32), listen(Int32) }

/// A TCP listener on 127.0.0.1 playing an origin server: answers each request head with `reply`, or echoes every
/// byte when `reply` is nil. Remembers every connection and what arrived on it.
final class TestOrigin: Sendable {
    let port: Int
    private let fd: Int32
    private let heads = Mutex<[String]>([])
    private let accepted = Atomic<Int>(0)

    var requestHeads: [String] { heads.withLock { $0 } }
    var connectionCount: Int { accepted.load(ordering: .relaxed) }

    init(reply: String?) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.fd = fd
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 16) == 0 else { throw TestSocketError.listen(errno) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        port = Int(UInt16(bigEndian: address.sin_port))
        startAccepting(reply: reply)
    }

    private func startAccepting(reply: String?) {
        let listener = fd
        Thread.detachNewThread { [self] in
            while true {
                let client = accept(listener, nil, nil)
                if client < 0 { return }
                accepted.wrappingAdd(1, ordering: .relaxed)
                Thread.detachNewThread { self.serve(client, reply: reply) }
            }
        }
    }

    private func serve(_ client: Int32, reply: String?) {
        defer { close(client) }
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var received: [UInt8] = []
        while true {
            let count = recv(client, &buffer, buffer.count, 0)
            if count <= 0 { return }
            guard let reply else {
                _ = buffer.withUnsafeBytes { Glibc.send(client, $0.baseAddress, count, Int32(MSG_NOSIGNAL)) }
                continue
            }
            received += buffer[0..<count]
            let text = String(decoding: received, as: UTF8.self)
            if let end = text.range(of: "\r\n\r\n") {
                heads.withLock { $0.append(String(text[..<end.upperBound])) }
                _ = Array(reply.utf8).withUnsafeBytes { Glibc.send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                return
            }
        }
    }

    func stop() { shutdown(fd, Int32(SHUT_RDWR)); close(fd) }
}
