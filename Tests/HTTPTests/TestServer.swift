import Foundation
import Synchronization
import TestSupport
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A loopback server on 127.0.0.1 with an ephemeral port, serving the routes the HTTP client tests need:
/// - `/echo…`: JSON with the request's method, lowercased headers and base64 body.
/// - `/status/<code>`: that status, with `Retry-After: 7` and `X-Custom: yes`.
/// - `/bytes/<n>`: n bytes with a Content-Length.
/// - `/gzip-bomb`: 132 gzip bytes that decode to 100,000 zeros (no length known before decoding).
/// - `/hang…`: never answers (until the client hangs up or the server stops); counts arrivals in `hangingRequests`.
/// - `/small`: a two-byte answer.
final class TestServer: Sendable {
    let port: Int
    private let server: LoopbackHTTPServer
    private let hangCount: Counter

    /// Requests that reached `/hang` so far.
    var hangingRequests: Int { hangCount.value.load(ordering: .relaxed) }
    var base: String { "http://127.0.0.1:\(port)" }

    private init(port: Int, server: LoopbackHTTPServer, hangCount: Counter) {
        self.port = port
        self.server = server
        self.hangCount = hangCount
    }

    static func start() async throws -> TestServer {
        let counter = Counter()
        let server = LoopbackHTTPServer(name: "HTTPTests") { request in await respond(to: request, counter: counter) }
        let port = try server.start()
        return TestServer(port: port, server: server, hangCount: counter)
    }

    func stop() async {
        await server.stop()
    }

    private static func respond(to request: LoopbackHTTPRequest, counter: Counter) async -> LoopbackHTTPResponse {
        let path = request.path
        if path.hasPrefix("/echo") {
            let echo = EchoedRequest(method: request.method, headers: request.headers,
                                     body: request.body.base64EncodedString())
            guard let body = try? JSONEncoder().encode(echo) else { return LoopbackHTTPResponse(status: 500) }
            return LoopbackHTTPResponse(status: 200, contentType: "application/json", body: body)
        }
        if path.hasPrefix("/status/"), let code = Int(path.dropFirst("/status/".count)) {
            return LoopbackHTTPResponse(status: code, headers: ["Retry-After": "7", "X-Custom": "yes"],
                                        body: Data(#"{"ok":false}"#.utf8))
        }
        if path.hasPrefix("/bytes/"), let count = Int(path.dropFirst("/bytes/".count)) {
            return LoopbackHTTPResponse(status: 200, body: Data(repeating: 0x61, count: count))
        }
        if path == "/gzip-bomb" {
            return LoopbackHTTPResponse(status: 200, headers: ["Content-Encoding": "gzip"], body: gzipOf100kZeros)
        }
        if path.hasPrefix("/hang") {
            counter.value.add(1, ordering: .relaxed)
            // Ends early only when cancelled: the client hung up or the server is stopping.
            try? await Task.sleep(for: .seconds(60))
            return LoopbackHTTPResponse(status: 200)
        }
        return LoopbackHTTPResponse(status: 200, body: Data("ok".utf8))
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

enum TestServerError: Error { case socket }

private final class Counter: Sendable {
    let value = Atomic<Int>(0)
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
