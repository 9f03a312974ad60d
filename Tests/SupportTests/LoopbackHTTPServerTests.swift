import Foundation
import Synchronization
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// A blocking client socket for exact control of the wire (keep-alive, chunking, hanging up). Every call blocks,
/// so tests use it from `onOwnThread`; reads give up after 5 s instead of hanging the suite.
private final class RawConnection: Sendable {
    struct Reply: Sendable {
        var status: Int
        /// Names lowercased.
        var headers: [String: String]
        var body: Data
    }

    let fd: Int32
    private let pending = Mutex<[UInt8]>([])

    init?(port: Int) {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(fd)
            return nil
        }
    }

    deinit { close(fd) }

    func send(_ text: String) {
        _ = Array(text.utf8).withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    func hangUp() {
        shutdown(fd, Int32(SHUT_RDWR))
    }

    /// Reads one response (headers, then Content-Length bytes); nil if the connection ends or times out first.
    /// Interim `100 Continue` answers are skipped.
    func readReply() -> Reply? {
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let buffered = pending.withLock { $0 }
            if let reply = Self.parse(buffered) {
                pending.withLock { $0.removeFirst(reply.consumed) }
                if reply.reply.status == 100 { continue }
                return reply.reply
            }
            let count = recv(fd, &chunk, chunk.count, 0)
            guard count > 0 else { return nil }
            pending.withLock { $0 += chunk[0..<count] }
        }
    }

    private static func parse(_ bytes: [UInt8]) -> (reply: Reply, consumed: Int)? {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard bytes.count >= 4,
              let end = (0...(bytes.count - 4)).first(where: { bytes[$0..<($0 + 4)].elementsEqual(separator) })
        else { return nil }
        let lines = String(decoding: bytes[0..<end], as: UTF8.self).components(separatedBy: "\r\n")
        let statusWords = lines.first?.split(separator: " ") ?? []
        let status = statusWords.count > 1 ? Int(statusWords[1]) ?? -1 : -1
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let length = status == 100 ? 0 : Int(headers["content-length"] ?? "0") ?? 0
        guard bytes.count >= end + 4 + length else { return nil }
        let body = Data(bytes[(end + 4)..<(end + 4 + length)])
        return (Reply(status: status, headers: headers, body: body), end + 4 + length)
    }
}

/// Runs blocking socket work on a thread of its own, off Swift's cooperative pool.
private func onOwnThread<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        Thread { continuation.resume(returning: work()) }.start()
    }
}

/// What handlers saw, for the test to inspect.
private final class Journal: Sendable {
    let requests = Mutex<[LoopbackHTTPRequest]>([])
    let cancelled = Atomic<Int>(0)
    let sawHangUp = Atomic<Bool>(false)
    let clientFinished = Atomic<Bool>(false)
    let clientGotReply = Atomic<Bool>(false)

    func record(_ request: LoopbackHTTPRequest) {
        requests.withLock { $0.append(request) }
    }
}

private func waitUntil(timeout: Duration = .seconds(5), _ condition: () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while !condition() {
        guard ContinuousClock.now < deadline else { return false }
        try? await Task.sleep(for: .milliseconds(5))
    }
    return true
}

@Suite("LoopbackHTTPServer")
struct LoopbackHTTPServerTests {
    /// The request after a delayed one, on the same kept-alive connection, is answered too: the pattern of the
    /// Claude CLI's tool_result turn.
    @Test func keepAliveRequestsAfterADelayedAsyncAnswerAreAnswered() async throws {
        let journal = Journal()
        let server = LoopbackHTTPServer { request in
            journal.record(request)
            if request.path == "/slow" { try? await Task.sleep(for: .milliseconds(150)) }
            return LoopbackHTTPResponse(status: 200, contentType: "text/plain", body: Data("answer to \(request.path)".utf8))
        }
        let port = try server.start()
        let replies = await onOwnThread { () -> [RawConnection.Reply?] in
            guard let connection = RawConnection(port: port) else { return [] }
            return ["/slow", "/fast", "/slow", "/fast"].map { path in
                connection.send("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                return connection.readReply()
            }
        }
        await server.stop()
        #expect(replies.map { $0?.status } == [200, 200, 200, 200])
        #expect(replies.map { $0.map { String(decoding: $0.body, as: UTF8.self) } }
            == ["answer to /slow", "answer to /fast", "answer to /slow", "answer to /fast"])
        #expect(replies.first??.headers["connection"] == "keep-alive")
        #expect(journal.requests.withLock { $0.count } == 4)
    }

    @Test func requestLineHeadersAndChunkedBodyAreParsed() async throws {
        let journal = Journal()
        let server = LoopbackHTTPServer { request in
            journal.record(request)
            return LoopbackHTTPResponse(status: 201, headers: ["X-Reply": "yes"], body: request.body)
        }
        let port = try server.start()
        let reply = await onOwnThread { () -> RawConnection.Reply? in
            guard let connection = RawConnection(port: port) else { return nil }
            connection.send("post /upload/file?a=1&b=two HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Mixed-Case: Value\r\n"
                + "Transfer-Encoding: chunked\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n"
                + "5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\n\r\n")
            return connection.readReply()
        }
        await server.stop()
        #expect(reply?.status == 201)
        #expect(reply?.headers["x-reply"] == "yes")
        #expect(reply?.headers["connection"] == "close")
        #expect(reply.map { String(decoding: $0.body, as: UTF8.self) } == "hello, world")
        let request = try #require(journal.requests.withLock { $0.first })
        #expect(request.method == "POST")
        #expect(request.path == "/upload/file")
        #expect(request.query == "a=1&b=two")
        #expect(request.headers["x-mixed-case"] == "Value")
    }

    @Test func aClientHangingUpCancelsItsAsyncHandler() async throws {
        let journal = Journal()
        let server = LoopbackHTTPServer { request in
            journal.record(request)
            do {
                try await Task.sleep(for: .seconds(30))
            } catch {
                journal.cancelled.add(1, ordering: .relaxed)
            }
            return LoopbackHTTPResponse(status: 200)
        }
        let port = try server.start()
        let connection = try #require(await onOwnThread { RawConnection(port: port) })
        connection.send("GET /hold HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        #expect(await waitUntil { journal.requests.withLock { $0.count } == 1 })
        connection.hangUp()
        #expect(await waitUntil { journal.cancelled.load(ordering: .relaxed) == 1 })
        #expect(await waitUntil { server.openConnectionCount == 0 })
        await server.stop()
    }

    @Test func stopCancelsHandlersInFlightAndClosesConnections() async throws {
        let journal = Journal()
        let server = LoopbackHTTPServer { request in
            journal.record(request)
            do {
                try await Task.sleep(for: .seconds(30))
            } catch {
                journal.cancelled.add(1, ordering: .relaxed)
            }
            return LoopbackHTTPResponse(status: 200)
        }
        let port = try server.start()
        // Started right here rather than from a task, so the request goes out even while the cooperative pool is
        // saturated by the rest of the suite.
        Thread {
            let connection = RawConnection(port: port)
            connection?.send("GET /hold HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            journal.clientGotReply.store(connection?.readReply() != nil, ordering: .relaxed)
            journal.clientFinished.store(true, ordering: .relaxed)
        }.start()
        #expect(await waitUntil { journal.requests.withLock { $0.count } == 1 })
        await server.stop()
        // Well before the handler's 30 s sleep could end: it was cancelled and the client was hung up on.
        #expect(await waitUntil { journal.cancelled.load(ordering: .relaxed) == 1 })
        #expect(await waitUntil { journal.clientFinished.load(ordering: .relaxed) })
        let answered = journal.clientGotReply.load(ordering: .relaxed)
        #expect(!answered, "the client got an answer instead of a hang-up")
        #expect(await waitUntil { server.openConnectionCount == 0 })
        #expect(await onOwnThread { RawConnection(port: port) } == nil)
    }

    @Test func aBlockingHandlerSeesItsPeerHangUp() async throws {
        let journal = Journal()
        let server = LoopbackHTTPServer(blockingHandler: { request, peer in
            journal.record(request)
            let deadline = Date().addingTimeInterval(10)
            while Date() < deadline {
                if peer.hasHungUp {
                    journal.sawHangUp.store(true, ordering: .relaxed)
                    break
                }
                Thread.sleep(forTimeInterval: 0.01)
            }
            return LoopbackHTTPResponse(status: 200)
        })
        let port = try server.start()
        let connection = try #require(await onOwnThread { RawConnection(port: port) })
        connection.send("GET /poll HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        #expect(await waitUntil { journal.requests.withLock { $0.count } == 1 })
        let earlyHangUp = journal.sawHangUp.load(ordering: .relaxed)
        #expect(!earlyHangUp)
        connection.hangUp()
        #expect(await waitUntil { journal.sawHangUp.load(ordering: .relaxed) })
        await server.stop()
    }
}
