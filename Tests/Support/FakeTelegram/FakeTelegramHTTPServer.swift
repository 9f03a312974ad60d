import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One parsed HTTP/1.1 request.
struct FakeTelegramHTTPRequest: Sendable {
    var method: String
    var path: String
    var query: String?
    /// Header names lowercased.
    var headers: [String: String]
    var body: Data
}

struct FakeTelegramHTTPResponse: Sendable {
    var status: Int
    var contentType: String
    var body: Data

    static func json(_ status: Int, _ value: FakeTelegramValue) -> FakeTelegramHTTPResponse {
        FakeTelegramHTTPResponse(status: status, contentType: "application/json", body: value.jsonData())
    }

    func encoded(keepAlive: Bool) -> Data {
        let reason = [200: "OK", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
                      409: "Conflict", 429: "Too Many Requests", 500: "Internal Server Error"][status] ?? "Status"
        var head = "HTTP/1.1 \(status) \(reason)\r\nContent-Type: \(contentType)\r\nContent-Length: \(body.count)\r\n"
        head += keepAlive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n"
        return Data(head.utf8) + body
    }
}

struct FakeTelegramHTTPServerError: Error, CustomStringConvertible {
    var code: String
    var message: String
    var description: String { "\(code): \(message)" }
}

/// A small HTTP/1.1 server on 127.0.0.1 with one OS thread per connection, so a long poll held open by a
/// handler never blocks other requests nor Swift's cooperative pool. Every response goes out in one write
/// (with TCP_NODELAY) so keep-alive clients don't pay Nagle's delay.
/// `@unchecked Sendable`: the mutable fields (`listenSocket`, `connections`, `stopped`) are only touched under `lock`.
final class FakeTelegramHTTPServer: @unchecked Sendable {
    typealias Handler = @Sendable (FakeTelegramHTTPRequest, FakeTelegramHTTPPeer) -> FakeTelegramHTTPResponse

    private let handler: Handler
    private let lock = NSLock()
    private var listenSocket: Int32 = -1
    private var connections: Set<Int32> = []
    private var stopped = false

    init(handler: @escaping Handler) {
        self.handler = handler
    }

    /// Binds an ephemeral port on 127.0.0.1 and starts accepting; returns the port.
    func start() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw FakeTelegramHTTPServerError(code: "http.socket", message: "socket() failed: \(errno)") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 64) == 0 else {
            close(fd)
            throw FakeTelegramHTTPServerError(code: "http.bind", message: "bind/listen on 127.0.0.1 failed: \(errno)")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else {
            close(fd)
            throw FakeTelegramHTTPServerError(code: "http.port", message: "getsockname failed: \(errno)")
        }
        lock.withLock { listenSocket = fd }
        let thread = Thread { [self] in acceptLoop(fd) }
        thread.name = "FakeTelegram.accept"
        thread.start()
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Stops accepting and hangs up every open connection (their threads exit on their own).
    func stop() {
        lock.withLock {
            stopped = true
            if listenSocket >= 0 { shutdown(listenSocket, Int32(SHUT_RDWR)) }
            for fd in connections { shutdown(fd, Int32(SHUT_RDWR)) }
        }
    }

    var openConnectionCount: Int { lock.withLock { connections.count } }

    private func acceptLoop(_ listenFD: Int32) {
        while true {
            let fd = accept(listenFD, nil, nil)
            if fd < 0 {
                if errno == EINTR { continue }
                break
            }
            let admitted = lock.withLock { () -> Bool in
                if stopped { return false }
                connections.insert(fd)
                return true
            }
            guard admitted else { close(fd); break }
            var one: Int32 = 1
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            let thread = Thread { [self] in serve(fd) }
            thread.name = "FakeTelegram.connection"
            thread.start()
        }
        lock.withLock { listenSocket = -1 }
        close(listenFD)
    }

    private func serve(_ fd: Int32) {
        defer {
            _ = lock.withLock { connections.remove(fd) }
            close(fd)
        }
        var reader = FakeTelegramHTTPReader(fd: fd)
        let peer = FakeTelegramHTTPPeer(fd: fd)
        while let request = reader.nextRequest() {
            let response = handler(request, peer)
            let keepAlive = request.headers["connection"]?.lowercased() != "close"
            guard FakeTelegramHTTPReader.writeAll(fd, response.encoded(keepAlive: keepAlive)), keepAlive else { return }
        }
    }
}

/// Lets a handler that holds a request open notice that the client went away.
struct FakeTelegramHTTPPeer: Sendable {
    let fd: Int32

    /// True once the client closed its side (or the server hung up).
    var hasHungUp: Bool {
        var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptor, 1, 0) > 0 else { return false }
        if descriptor.revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0 { return true }
        var byte: UInt8 = 0
        return recv(fd, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT)) == 0
    }
}

/// Reads requests off one blocking socket: headers, then a Content-Length or chunked body.
struct FakeTelegramHTTPReader {
    let fd: Int32
    private var buffer: [UInt8] = []

    init(fd: Int32) {
        self.fd = fd
    }

    static func writeAll(_ fd: Int32, _ data: Data) -> Bool {
        data.withUnsafeBytes { raw -> Bool in
            guard let base = raw.baseAddress else { return true }
            var sent = 0
            while sent < raw.count {
                let count = send(fd, base + sent, raw.count - sent, Int32(MSG_NOSIGNAL))
                if count < 0, errno == EINTR { continue }
                guard count > 0 else { return false }
                sent += count
            }
            return true
        }
    }

    private mutating func fill() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = recv(fd, &chunk, chunk.count, 0)
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return false }
            buffer.append(contentsOf: chunk[0..<count])
            return true
        }
    }

    private mutating func readLine() -> String? {
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                var line = buffer[0..<newline]
                if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
                let text = String(decoding: line, as: UTF8.self)
                buffer.removeSubrange(0...newline)
                return text
            }
            guard fill() else { return nil }
        }
    }

    private mutating func readBytes(_ count: Int) -> [UInt8]? {
        while buffer.count < count { guard fill() else { return nil } }
        let bytes = Array(buffer[0..<count])
        buffer.removeSubrange(0..<count)
        return bytes
    }

    mutating func nextRequest() -> FakeTelegramHTTPRequest? {
        guard let requestLine = readLine() else { return nil }
        let parts = requestLine.split(separator: " ")
        guard parts.count == 3 else { return nil }
        var headers: [String: String] = [:]
        while let line = readLine() {
            if line.isEmpty { break }
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            headers[name] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        // libcurl waits up to a second for this before sending a large body.
        if headers["expect"]?.lowercased() == "100-continue" {
            guard Self.writeAll(fd, Data("HTTP/1.1 100 Continue\r\n\r\n".utf8)) else { return nil }
        }
        var body: [UInt8] = []
        if headers["transfer-encoding"]?.lowercased().contains("chunked") == true {
            while true {
                guard let sizeLine = readLine(),
                      let size = Int(sizeLine.split(separator: ";").first.map(String.init) ?? "", radix: 16)
                else { return nil }
                if size == 0 {
                    while let trailer = readLine(), !trailer.isEmpty {}
                    break
                }
                guard let chunk = readBytes(size), readLine() != nil else { return nil }
                body += chunk
            }
        } else if let length = headers["content-length"].flatMap({ Int($0) }), length > 0 {
            guard let bytes = readBytes(length) else { return nil }
            body = bytes
        }
        let target = String(parts[1])
        let pathAndQuery = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        return FakeTelegramHTTPRequest(
            method: String(parts[0]).uppercased(), path: String(pathAndQuery[0]),
            query: pathAndQuery.count > 1 ? String(pathAndQuery[1]) : nil, headers: headers, body: Data(body))
    }
}
