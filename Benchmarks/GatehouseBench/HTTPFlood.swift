import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Many HTTP/1.1 requests over a few keep-alive connections, each connection on its own thread with blocking
/// sockets: a load generator that costs little next to the server it measures.
enum HTTPFlood {
    struct Result {
        var statuses: [Int: Int] = [:]
        var failures = 0
        var seconds = 0.0
    }

    /// Sends `count` copies of `request` (a complete HTTP/1.1 request with `Content-Length`) to 127.0.0.1:`port`.
    static func run(port: Int, request: Data, count: Int, connections: Int) -> Result {
        let start = ContinuousClock.now
        let results = (0..<connections).map { _ in LockedResult() }
        DispatchQueue.concurrentPerform(iterations: connections) { index in
            let share = count / connections + (index < count % connections ? 1 : 0)
            results[index].value = send(share, request: request, port: port)
        }
        var total = Result()
        for result in results {
            for (status, n) in result.value.statuses { total.statuses[status, default: 0] += n }
            total.failures += result.value.failures
        }
        total.seconds = BenchClock.seconds(ContinuousClock.now - start)
        return total
    }

    private final class LockedResult: @unchecked Sendable {
        var value = Result()  // written by one thread, read after concurrentPerform returns
    }

    private static func send(_ count: Int, request: Data, port: Int) -> Result {
        var result = Result()
        var socket: Int32 = -1
        var sent = 0
        while sent < count {
            if socket < 0 {
                socket = connect(port: port)
                if socket < 0 {
                    result.failures += 1
                    usleep(10_000)
                    if result.failures > 1_000 { return result }
                    continue
                }
            }
            let ok = request.withUnsafeBytes { bytes in writeAll(socket, bytes) }
            guard ok, let (status, keepAlive) = readResponse(socket) else {
                close(socket)
                socket = -1
                result.failures += 1
                sent += 1
                continue
            }
            result.statuses[status, default: 0] += 1
            sent += 1
            if !keepAlive {
                close(socket)
                socket = -1
            }
        }
        if socket >= 0 { close(socket) }
        return result
    }

    private static func connect(port: Int) -> Int32 {
        let fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return -1 }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(fd)
            return -1
        }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        return fd
    }

    private static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if written <= 0 { return false }
            offset += written
        }
        return true
    }

    /// The status and whether the connection stays open; nil when it closed or the response did not parse.
    private static func readResponse(_ fd: Int32) -> (Int, Bool)? {
        var buffer = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 4_096)
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        var headerEnd: Int?
        while headerEnd == nil {
            let n = read(fd, &chunk, chunk.count)
            if n <= 0 { return nil }
            buffer += chunk[0..<n]
            if buffer.count >= 4 {
                for index in max(0, buffer.count - n - 3)...(buffer.count - 4) where Array(buffer[index..<index + 4]) == separator {
                    headerEnd = index + 4
                    break
                }
            }
        }
        let head = String(decoding: buffer[0..<headerEnd!], as: UTF8.self).lowercased()
        let lines = head.split(separator: "\r\n")
        guard let statusLine = lines.first, statusLine.split(separator: " ").count >= 2,
            let status = Int(statusLine.split(separator: " ")[1])
        else { return nil }
        var length = 0
        var keepAlive = true
        for line in lines.dropFirst() {
            if line.hasPrefix("content-length:") { length = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) ?? 0 }
            if line.hasPrefix("connection:") && line.contains("close") { keepAlive = false }
        }
        var body = buffer.count - headerEnd!
        while body < length {
            let n = read(fd, &chunk, min(chunk.count, length - body))
            if n <= 0 { return nil }
            body += n
        }
        return (status, keepAlive)
    }
}
