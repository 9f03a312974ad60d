import Foundation
import Logging
import OutboundProxy
import Synchronization
import Testing
import TestSupport
import ToolPolicy

/// A resolver that answers from a table: public-looking names can be pointed anywhere.
struct FakeResolver: HostResolver {
    var table: [String: [String]]

    func addresses(of host: String) async throws(HostResolutionError) -> [NetworkAddress] {
        guard let literals = table[host] else { throw .notFound(host: host) }
        return literals.compactMap(NetworkAddress.literal)
    }
}

/// The proxy itself on loopback: real sockets, real bytes, a fake resolver.
@Suite(.serialized) struct OutboundProxyTests {
    struct Running {
        let proxy: OutboundProxy
        let task: Task<Void, any Error>
        let credential: ProxyJobCredentials.Credential
        let logs: LogCapture

        var authorization: String {
            "Proxy-Authorization: Basic " + Data("\(credential.user):\(credential.nonce)".utf8).base64EncodedString() + "\r\n"
        }

        func client() throws -> TestClient { try TestClient(port: proxy.port) }
    }

    func withProxy(
        allow: [ProxyEndpoint] = [], resolver: [String: [String]] = [:],
        adjust: (inout OutboundProxyConfiguration) -> Void = { _ in }, _ body: (Running) async throws -> Void
    ) async throws {
        var configuration = OutboundProxyConfiguration()
        configuration.allowlist = Set(allow)
        adjust(&configuration)
        let logs = LogCapture()
        let proxy = try await OutboundProxy.bind(
            configuration: configuration, resolver: FakeResolver(table: resolver), logger: logs.logger())
        let task = Task { try await proxy.run() }
        let running = Running(proxy: proxy, task: task, credential: proxy.credentials.issue(jobId: "job-42"), logs: logs)
        do {
            try await body(running)
        } catch {
            task.cancel()
            _ = try? await task.value
            throw error
        }
        task.cancel()
        _ = try? await task.value
    }

    @Test func aPublicNameResolvingToLoopbackIsRefusedWithoutConnecting() async throws {
        let origin = try TestOrigin(reply: "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nsecret")
        defer { origin.stop() }
        try await withProxy(resolver: ["innocent.example": ["93.184.215.14", "127.0.0.1"]]) { running in
            let client = try running.client()
            await client.send("CONNECT innocent.example:\(origin.port) HTTP/1.1\r\nHost: innocent.example\r\n\(running.authorization)\r\n")
            let answer = await client.receive()
            #expect(answer.hasPrefix("HTTP/1.1 403 Forbidden\r\n"))
            #expect(answer.contains("gatehouse proxy: innocent.example resolves to 127.0.0.1, a loopback address"))
            #expect(origin.connectionCount == 0)
            let refusal = try #require(running.logs.allLines.first { $0.contains("refused a connection") })
            #expect(refusal.hasPrefix("notice "))
            #expect(refusal.contains("\"proxy.host\": innocent.example"), "\(refusal)")
            #expect(refusal.contains("\"job.id\": job-42"), "\(refusal)")
        }
    }

    @Test func aLiteralPrivateAddressIsRefusedInEverySpelling() async throws {
        try await withProxy { running in
            for target in ["127.0.0.1:22", "2130706433:80", "[::1]:80", "[::ffff:169.254.169.254]:80", "169.254.169.254:80"] {
                let client = try running.client()
                await client.send("CONNECT \(target) HTTP/1.1\r\n\(running.authorization)\r\n")
                #expect(await client.receive().hasPrefix("HTTP/1.1 403"), "\(target)")
            }
            let client = try running.client()
            await client.send("GET http://169.254.169.254/latest/meta-data/iam HTTP/1.1\r\nHost: 169.254.169.254\r\n\(running.authorization)\r\n")
            let answer = await client.receive()
            #expect(answer.hasPrefix("HTTP/1.1 403"))
            #expect(!running.logs.allLines.contains { $0.contains("meta-data") }, "a path was logged")
        }
    }

    @Test func anAllowlistedLoopbackPortIsTunnelled() async throws {
        let origin = try TestOrigin(reply: nil)
        defer { origin.stop() }
        try await withProxy(allow: [ProxyEndpoint(host: "127.0.0.1", port: origin.port)!]) { running in
            let client = try running.client()
            await client.send("CONNECT 127.0.0.1:\(origin.port) HTTP/1.1\r\n\(running.authorization)\r\n")
            #expect(await client.receive { $0.hasSuffix("\r\n\r\n") } == "HTTP/1.1 200 Connection established\r\n\r\n")
            await client.send("ping through the tunnel")
            #expect(await client.receive { $0.count >= 23 } == "ping through the tunnel")
            client.shutdownWrite()
            #expect(await client.receive() == "")
            #expect(origin.connectionCount == 1)
        }
    }

    @Test func aPlainAbsoluteFormGetIsForwardedInOriginForm() async throws {
        let origin = try TestOrigin(reply: "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello")
        defer { origin.stop() }
        try await withProxy(allow: [ProxyEndpoint(host: "origin.example", port: origin.port)!],
                            resolver: ["origin.example": ["127.0.0.1"]]) { running in
            let client = try running.client()
            await client.send("GET http://origin.example:\(origin.port)/path?token=s3cret HTTP/1.1\r\nHost: origin.example:\(origin.port)\r\n"
                + "User-Agent: curl/7.88.1\r\n\(running.authorization)Proxy-Connection: Keep-Alive\r\n\r\n")
            let answer = await client.receive()
            #expect(answer.hasPrefix("HTTP/1.1 200 OK\r\n"))
            #expect(answer.hasSuffix("hello"))
            let head = try #require(origin.requestHeads.first)
            #expect(head == "GET /path?token=s3cret HTTP/1.1\r\nHost: origin.example:\(origin.port)\r\nUser-Agent: curl/7.88.1\r\nConnection: close\r\n\r\n")
            #expect(!running.logs.allLines.contains { $0.contains("s3cret") }, "a query was logged")
        }
    }

    @Test func aHeaderFloodIsCutOff() async throws {
        try await withProxy(adjust: { $0.headLimits.maxBytes = 4_096 }) { running in
            let client = try running.client()
            await client.send("GET http://a.example/ HTTP/1.1\r\n")
            for _ in 0..<64 { await client.send("X-Flood: " + String(repeating: "a", count: 1_000) + "\r\n") }
            let answer = await client.receive()
            #expect(answer.hasPrefix("HTTP/1.1 431 "))
        }
    }

    @Test func aSlowHeadIsCutOff() async throws {
        try await withProxy(adjust: { $0.headTimeout = .milliseconds(300) }) { running in
            let client = try running.client()
            await client.send("GET http://a.example/ HTTP/1.1\r\n")
            let started = ContinuousClock.now
            #expect(await client.receive() == "")
            #expect(ContinuousClock.now - started < .seconds(3))
        }
    }

    @Test func requestsWithoutAJobsCredentialsAreRefused() async throws {
        try await withProxy(resolver: ["example.com": ["93.184.215.14"]]) { running in
            let client = try running.client()
            await client.send("CONNECT example.com:443 HTTP/1.1\r\n\r\n")
            let answer = await client.receive()
            #expect(answer.hasPrefix("HTTP/1.1 407 "))
            #expect(answer.contains("Proxy-Authenticate: Basic"))
            let revoked = try running.client()
            running.proxy.credentials.revoke(running.credential)
            await revoked.send("CONNECT example.com:443 HTTP/1.1\r\n\(running.authorization)\r\n")
            #expect(await revoked.receive().hasPrefix("HTTP/1.1 407 "))
        }
    }

    @Test func connectionsOverTheLimitAreTurnedAway() async throws {
        try await withProxy(adjust: { $0.maxConnections = 1 }) { running in
            let first = try running.client()
            await first.send("GET http://a.example/ HTTP/1.1\r\n")  // holds its slot: the head is not finished
            try await Task.sleep(for: .milliseconds(200))
            let second = try running.client()
            #expect(await second.receive().hasPrefix("HTTP/1.1 503 "))
            _ = first
        }
    }

    @Test func anIdleTunnelIsClosed() async throws {
        let origin = try TestOrigin(reply: nil)
        defer { origin.stop() }
        try await withProxy(allow: [ProxyEndpoint(host: "127.0.0.1", port: origin.port)!], adjust: { $0.idleTimeout = .milliseconds(300) }) { running in
            let client = try running.client()
            await client.send("CONNECT 127.0.0.1:\(origin.port) HTTP/1.1\r\n\(running.authorization)\r\n")
            #expect(await client.receive { $0.hasSuffix("\r\n\r\n") }.hasPrefix("HTTP/1.1 200"))
            let started = ContinuousClock.now
            #expect(await client.receive() == "")
            #expect(ContinuousClock.now - started < .seconds(3))
        }
    }
}
