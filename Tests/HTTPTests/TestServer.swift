import FlyingFox
import FlyingSocks
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A FlyingFox server on 127.0.0.1 with an ephemeral port, serving the routes the HTTP client tests need:
/// - `/echo…`: JSON with the request's method, lowercased headers and base64 body.
/// - `/status/<code>`: that status, with `Retry-After: 7` and `X-Custom: yes`.
/// - `/bytes/<n>`: n bytes with a Content-Length.
/// - `/gzip-bomb`: 132 gzip bytes that decode to 100,000 zeros (no length known before decoding).
/// - `/hang…`: never answers (until the server stops); counts arrivals in `hangingRequests`.
/// - `/small`: a two-byte answer.
final class TestServer: Sendable {
    let port: UInt16
    private let server: HTTPServer
    private let task: Task<Void, any Error>
    private let hangCount: Counter

    /// Requests that reached `/hang` so far.
    var hangingRequests: Int { hangCount.value.load(ordering: .relaxed) }
    var base: String { "http://127.0.0.1:\(port)" }

    private init(port: UInt16, server: HTTPServer, task: Task<Void, any Error>, hangCount: Counter) {
        self.port = port
        self.server = server
        self.task = task
        self.hangCount = hangCount
    }

    static func start() async throws -> TestServer {
        let counter = Counter()
        let server = HTTPServer(
            address: try .inet(ip4: "127.0.0.1", port: 0),
            timeout: 60,
            pool: NoDelaySocketPool(base: HTTPServer.defaultPool()),
            logger: .disabled,
            handler: ClosureHTTPHandler { request in try await respond(to: request, counter: counter) }
        )
        let task = Task { try await server.run() }
        try await server.waitUntilListening()
        guard case .ip4(_, let port)? = await server.listeningAddress else {
            throw TestServerError.noPort
        }
        return TestServer(port: port, server: server, task: task, hangCount: counter)
    }

    func stop() async {
        await server.stop(timeout: 0)
        task.cancel()
    }

    private static func respond(to request: HTTPRequest, counter: Counter) async throws -> HTTPResponse {
        let path = request.path
        if path.hasPrefix("/echo") {
            var headers: [String: String] = [:]
            for (name, value) in request.headers { headers[name.rawValue.lowercased()] = value }
            let echo = EchoedRequest(method: request.method.rawValue, headers: headers,
                                     body: try await request.bodyData.base64EncodedString())
            return HTTPResponse(statusCode: .ok, headers: [.contentType: "application/json"],
                                body: try JSONEncoder().encode(echo))
        }
        if path.hasPrefix("/status/"), let code = Int(path.dropFirst("/status/".count)) {
            return HTTPResponse(statusCode: HTTPStatusCode(code, phrase: "Test"),
                                headers: [HTTPHeader("Retry-After"): "7", HTTPHeader("X-Custom"): "yes"],
                                body: Data(#"{"ok":false}"#.utf8))
        }
        if path.hasPrefix("/bytes/"), let count = Int(path.dropFirst("/bytes/".count)) {
            return HTTPResponse(statusCode: .ok, body: Data(repeating: 0x61, count: count))
        }
        if path == "/gzip-bomb" {
            return HTTPResponse(statusCode: .ok, headers: [.contentEncoding: "gzip"], body: gzipOf100kZeros)
        }
        if path.hasPrefix("/hang") {
            counter.value.add(1, ordering: .relaxed)
            try await Task.sleep(for: .seconds(60))
            return HTTPResponse(statusCode: .ok)
        }
        return HTTPResponse(statusCode: .ok, body: Data("ok".utf8))
    }

    /// gzip of 100,000 zero bytes.
    private static let gzipOf100kZeros = Data(base64Encoded:
        "H4sIAAAAAAACA+3BMQEAAADCoPVPbQ0PoAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAIBXA32VEdSghgEA"
    ) ?? Data()
}

struct EchoedRequest: Codable {
    var method: String
    var headers: [String: String]
    var body: String
}

enum TestServerError: Error { case noPort, socket }

private final class Counter: Sendable {
    let value = Atomic<Int>(0)
}

/// FlyingFox writes a response's headers and body in two writes; with Nagle's algorithm and the client's delayed
/// ACK each keep-alive response then stalls ~40 ms. TCP_NODELAY on the listening socket (inherited by accepted
/// sockets on Linux) and on every socket the pool suspends removes that stall.
private struct NoDelaySocketPool<Base: AsyncSocketPool>: AsyncSocketPool {
    let base: Base
    func prepare() async throws { try await base.prepare() }
    func run() async throws { try await base.run() }
    func suspendSocket(_ socket: Socket, untilReadyFor events: Socket.Events) async throws {
        try? socket.setValue(true, for: BoolSocketOption(level: Int32(IPPROTO_TCP), name: Int32(TCP_NODELAY)))
        try await base.suspendSocket(socket, untilReadyFor: events)
    }
}

/// A loopback port with nothing listening: bound, read, closed.
func unusedLoopbackPort() throws -> UInt16 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw TestServerError.socket }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
            bind(fd, generic, length) == 0 && getsockname(fd, generic, &length) == 0
        }
    }
    guard bound else { throw TestServerError.socket }
    return UInt16(bigEndian: address.sin_port)
}
