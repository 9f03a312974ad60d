import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A small HTTP/1.1 server on 127.0.0.1 for test doubles, over plain POSIX sockets with one OS thread per
/// connection: a request held open by a handler (a long poll, a scripted delay) never blocks other connections
/// nor Swift's cooperative pool. Keep-alive, chunked request bodies and `Expect: 100-continue` are supported;
/// each response goes out in one write with TCP_NODELAY, so keep-alive clients never wait on Nagle's algorithm.
///
/// The handler is either async (run on the connection's thread, see `LoopbackHTTPAsyncCall`; its task is
/// cancelled when the client hangs up or the server stops) or blocking (called directly on the connection's
/// thread, with a `LoopbackHTTPPeer` to notice a hang-up while it waits).
public final class LoopbackHTTPServer: Sendable {
    public typealias Handler = @Sendable (LoopbackHTTPRequest) async -> LoopbackHTTPResponse
    public typealias BlockingHandler = @Sendable (LoopbackHTTPRequest, LoopbackHTTPPeer) -> LoopbackHTTPResponse

    private enum Responder: Sendable {
        case async(Handler)
        case blocking(BlockingHandler)
    }

    private struct State {
        var listenSocket: Int32 = -1
        var connections: Set<Int32> = []
        var stopped = false
        var port = 0
    }

    private let name: String
    private let responder: Responder
    /// The IPv4 address to listen on: 127.0.0.1, or 0.0.0.0 when programs in other network namespaces must reach it.
    public let bindAddress: String
    private let state = Mutex(State())

    /// `name` labels the server's threads (visible in debuggers and thread dumps).
    public init(name: String = "LoopbackHTTP", bindAddress: String = "127.0.0.1", handler: @escaping Handler) {
        self.name = name
        self.bindAddress = bindAddress
        responder = .async(handler)
    }

    public init(name: String = "LoopbackHTTP", bindAddress: String = "127.0.0.1", blockingHandler: @escaping BlockingHandler) {
        self.name = name
        self.bindAddress = bindAddress
        responder = .blocking(blockingHandler)
    }

    /// The listening port; 0 before `start()`.
    public var port: Int { state.withLock { $0.port } }

    /// `http://127.0.0.1:PORT`.
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Connections currently open (each has its own thread).
    public var openConnectionCount: Int { state.withLock { $0.connections.count } }

    /// Binds an ephemeral port on 127.0.0.1 and starts accepting; returns the port.
    @discardableResult
    public func start() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else {
            throw LoopbackHTTPServerError(code: "loopback_http.socket", message: "socket() failed: errno \(errno)")
        }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr(bindAddress)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 128) == 0 else {
            let failure = errno
            close(fd)
            throw LoopbackHTTPServerError(code: "loopback_http.bind", message: "bind/listen on \(bindAddress) failed: errno \(failure)")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else {
            let failure = errno
            close(fd)
            throw LoopbackHTTPServerError(code: "loopback_http.port", message: "getsockname failed: errno \(failure)")
        }
        let port = Int(UInt16(bigEndian: address.sin_port))
        state.withLock {
            $0.listenSocket = fd
            $0.port = port
        }
        let thread = Thread { [self] in acceptLoop(fd) }
        thread.name = "\(name).accept"
        thread.start()
        return port
    }

    /// Stops accepting, hangs up every open connection (cancelling async handlers in flight) and waits until their
    /// threads are done or `timeout` passes. A blocking handler holding a request must notice on its own
    /// (`LoopbackHTTPPeer.hasHungUp` turns true).
    public func stop(waitingUpTo timeout: Duration = .seconds(1)) async {
        state.withLock { state in
            state.stopped = true
            if state.listenSocket >= 0 { shutdown(state.listenSocket, Int32(SHUT_RDWR)) }
            for fd in state.connections { shutdown(fd, Int32(SHUT_RDWR)) }
        }
        let deadline = ContinuousClock.now + timeout
        while openConnectionCount > 0, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(5))
        }
    }

    private var isStopped: Bool { state.withLock { $0.stopped } }

    private func acceptLoop(_ listenFD: Int32) {
        while true {
            let fd = accept(listenFD, nil, nil)
            if fd < 0 {
                if errno == EINTR || errno == ECONNABORTED { continue }
                break
            }
            let admitted = state.withLock { state -> Bool in
                if state.stopped { return false }
                state.connections.insert(fd)
                return true
            }
            guard admitted else {
                close(fd)
                break
            }
            var one: Int32 = 1
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            let thread = Thread { [self] in serve(fd) }
            thread.name = "\(name).connection"
            thread.start()
        }
        state.withLock { $0.listenSocket = -1 }
        close(listenFD)
    }

    private func serve(_ fd: Int32) {
        defer {
            _ = state.withLock { $0.connections.remove(fd) }
            close(fd)
        }
        var reader = LoopbackHTTPReader(fd: fd)
        let peer = LoopbackHTTPPeer(fd: fd)
        while let request = reader.nextRequest() {
            let answer: LoopbackHTTPResponse?
            switch responder {
            case .blocking(let handler):
                answer = handler(request, peer)
            case .async(let handler):
                answer = LoopbackHTTPAsyncCall.respond(to: request, with: handler) { isStopped || peer.hasHungUp }
            }
            guard let response = answer else { return }
            let keepAlive = request.headers["connection"]?.lowercased() != "close"
            guard LoopbackHTTPReader.writeAll(fd, response.encoded(keepAlive: keepAlive)), keepAlive else { return }
        }
    }
}
