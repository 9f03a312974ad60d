import OutboundProxy
import Testing
import ToolPolicy

/// The proxy's pure parts: reading a request head, what it asks for, and the screening decision.
@Suite struct ProxyDecisionTests {
    func head(_ text: String) throws -> ProxyRequestHead {
        try ProxyRequestHead.parse(ArraySlice(Array(text.utf8)))
    }

    @Test func aHeadIsFoundAcrossChunksAndParsed() throws {
        let bytes = Array("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\nProxy-Authorization: Basic eDp5\r\n\r\nTLS".utf8)
        #expect(try ProxyRequestHead.end(in: Array(bytes.prefix(20))) == nil)
        let end = try #require(try ProxyRequestHead.end(in: bytes, from: 60))
        #expect(Array(bytes[end...]) == Array("TLS".utf8))
        let parsed = try ProxyRequestHead.parse(bytes[..<end])
        #expect(parsed.method == "CONNECT" && parsed.target == "example.com:443" && parsed.version == "HTTP/1.1")
        #expect(parsed.value(of: "proxy-authorization") == "Basic eDp5")
    }

    @Test func anOversizedHeadIsRefusedBeforeItEnds() {
        var limits = ProxyRequestHead.Limits()
        limits.maxBytes = 1_024
        let flood = Array("GET http://a.example/ HTTP/1.1\r\n".utf8) + Array(repeating: UInt8(ascii: "a"), count: 2_000)
        #expect(throws: ProxyRequestHead.Problem.tooLarge) { try ProxyRequestHead.end(in: flood, limits: limits) }
        var many = "GET http://a.example/ HTTP/1.1\r\n"
        for index in 0..<101 { many += "X-\(index): y\r\n" }
        #expect(throws: ProxyRequestHead.Problem.tooLarge) { try head(many + "\r\n") }
    }

    @Test(arguments: [
        "GET http://a.example/ HTTP/2\r\n\r\n", "GET  http://a.example/ HTTP/1.1\r\n\r\n", "GET http://a.example/\r\n\r\n",
        "GET http://a.example/ HTTP/1.1\r\n folded: x\r\n\r\n", "GET http://a.example/ HTTP/1.1\r\nBad Name: x\r\n\r\n",
        "GET http://a.example/ HTTP/1.1\r\nNoColon\r\n\r\n", "GET http://a.example/\u{0} HTTP/1.1\r\n\r\n",
        "GET http://a.example/ HTTP/1.1\nHost: a\r\n\r\n", "GET http://é.example/ HTTP/1.1\r\n\r\n",
    ])
    func malformedHeadsAreRefused(text: String) {
        #expect(throws: ProxyRequestHead.Problem.self) { try head(text) }
    }

    @Test func connectAndAbsoluteFormAreReadAndRewritten() throws {
        let tunnel = try ProxyRequest.interpret(try head("CONNECT [::1]:8443 HTTP/1.1\r\n\r\n"))
        #expect(tunnel.kind == .tunnel && tunnel.endpoint == ProxyEndpoint(host: "::1", port: 8443))

        let get = try head("GET http://Example.COM:8080/a/b?token=s3cret#frag HTTP/1.1\r\nHost: example.com:8080\r\n"
            + "Proxy-Authorization: Basic eDp5\r\nProxy-Connection: keep-alive\r\nConnection: keep-alive\r\nAccept: */*\r\n\r\n")
        let forward = try ProxyRequest.interpret(get)
        #expect(forward.kind == .forward(originForm: "/a/b?token=s3cret"))
        #expect(forward.endpoint == ProxyEndpoint(host: "example.com", port: 8080))
        let upstream = String(decoding: forward.forwardedHead(from: get), as: UTF8.self)
        #expect(upstream == "GET /a/b?token=s3cret HTTP/1.1\r\nHost: example.com:8080\r\nAccept: */*\r\nConnection: close\r\n\r\n")

        let bare = try head("GET http://example.com HTTP/1.0\r\n\r\n")
        let bareRequest = try ProxyRequest.interpret(bare)
        #expect(bareRequest.kind == .forward(originForm: "/") && bareRequest.endpoint.port == 80)
        #expect(String(decoding: bareRequest.forwardedHead(from: bare), as: UTF8.self).contains("Host: example.com\r\n"))
    }

    @Test(arguments: [
        "GET /only/a/path HTTP/1.1\r\n\r\n", "GET https://example.com/ HTTP/1.1\r\n\r\n", "CONNECT example.com HTTP/1.1\r\n\r\n",
        "CONNECT example.com:0 HTTP/1.1\r\n\r\n", "CONNECT example.com:99999 HTTP/1.1\r\n\r\n", "CONNECT ::1:443 HTTP/1.1\r\n\r\n",
        "GET http://127.0.0.1@evil.example/ HTTP/1.1\r\n\r\n", "GET http://ex%61mple.com/ HTTP/1.1\r\n\r\n",
        "get http://example.com/ HTTP/1.1\r\n\r\n", "GET ftp://example.com/ HTTP/1.1\r\n\r\n",
    ])
    func requestsTheProxyDoesNotCarryOutAreBadRequests(text: String) throws {
        let parsed = try head(text)
        #expect(throws: ProxyRefusal.self) { try ProxyRequest.interpret(parsed) }
    }

    let screen = ProxyScreen(allowlist: [ProxyEndpoint(host: "127.0.0.1", port: 4100)!, ProxyEndpoint(host: "llm.corp", port: 443)!])

    @Test func literalsAreCheckedWithoutALookup() {
        #expect(screen.firstStep(for: ProxyEndpoint(host: "8.8.8.8", port: 443)!) == .connect([NetworkAddress.literal("8.8.8.8")!]))
        #expect(screen.firstStep(for: ProxyEndpoint(host: "127.0.0.1", port: 4100)!) == .connect([NetworkAddress.literal("127.0.0.1")!]))
        for (host, port) in [("127.0.0.1", 4101), ("2130706433", 80), ("169.254.169.254", 80), ("::ffff:10.0.0.1", 443), ("fd00:ec2::254", 80)] {
            guard case .refuse = screen.firstStep(for: ProxyEndpoint(host: host, port: port)!) else {
                Issue.record("\(host):\(port) not refused"); continue
            }
        }
    }

    @Test func namesAreResolvedUnlessInternal() {
        #expect(screen.firstStep(for: ProxyEndpoint(host: "example.com", port: 443)!) == .resolve("example.com"))
        #expect(screen.firstStep(for: ProxyEndpoint(host: "llm.corp", port: 443)!) == .resolve("llm.corp"))
        guard case .refuse(let reason) = screen.firstStep(for: ProxyEndpoint(host: "llm.corp", port: 80)!) else {
            Issue.record("llm.corp:80 is not on the allowlist"); return
        }
        #expect(reason.contains("internal"))
        guard case .refuse = screen.firstStep(for: ProxyEndpoint(host: "localhost", port: 80)!) else {
            Issue.record("localhost not refused"); return
        }
    }

    @Test func anyPrivateAddressAmongTheAnswersRefusesTheName() {
        let endpoint = ProxyEndpoint(host: "example.com", port: 443)!
        let public1 = NetworkAddress.literal("93.184.215.14")!
        #expect(screen.afterResolution(for: endpoint, addresses: [public1]) == .connect([public1]))
        for bad in ["127.0.0.1", "169.254.169.254", "::1", "fe80::1", "100.64.0.1", "0.0.0.0", "224.0.0.1"] {
            guard case .refuse(let reason) = screen.afterResolution(for: endpoint, addresses: [public1, NetworkAddress.literal(bad)!]) else {
                Issue.record("\(bad) not refused"); continue
            }
            #expect(reason.contains(bad))
        }
        guard case .refuse = screen.afterResolution(for: endpoint, addresses: []) else { Issue.record("no addresses"); return }
        let allowed = ProxyEndpoint(host: "llm.corp", port: 443)!
        let privateAddress = NetworkAddress.literal("10.1.2.3")!
        #expect(screen.afterResolution(for: allowed, addresses: [privateAddress]) == .connect([privateAddress]))
    }

    @Test func endpointsNormalise() {
        #expect(ProxyEndpoint(url: "http://127.0.0.1:4100") == ProxyEndpoint(host: "127.0.0.1", port: 4100))
        #expect(ProxyEndpoint(url: "https://API.anthropic.com.") == ProxyEndpoint(host: "api.anthropic.com", port: 443))
        #expect(ProxyEndpoint(authority: "[::1]:80")?.description == "[::1]:80")
        #expect(ProxyEndpoint(authority: "a.example:+80") == nil)
        #expect(ProxyEndpoint(authority: "a b:80") == nil)
    }

    @Test func credentialsNameTheirJobUntilRevoked() throws {
        let credentials = ProxyJobCredentials()
        let credential = credentials.issue(jobId: "job 1/x")
        #expect(credential.user == "job-job%201%2Fx")
        #expect(credential.nonce.count == 32)
        let header = "Basic " + Data("\(credential.user):\(credential.nonce)".utf8).base64EncodedString()
        #expect(credentials.jobId(forProxyAuthorization: header) == "job 1/x")
        #expect(credentials.jobId(forProxyAuthorization: "Basic " + Data("job-x:wrong".utf8).base64EncodedString()) == nil)
        #expect(credentials.jobId(forProxyAuthorization: "Bearer abc") == nil)
        #expect(credentials.jobId(forProxyAuthorization: nil) == nil)
        credentials.revoke(credential)
        #expect(credentials.jobId(forProxyAuthorization: header) == nil)
    }

    @Test func refusalsAreShortPlainText() {
        let text = String(decoding: ProxyRefusal.forbidden("127.0.0.1 is a loopback address (this machine)").response, as: UTF8.self)
        #expect(text.hasPrefix("HTTP/1.1 403 Forbidden\r\n"))
        #expect(text.hasSuffix("\r\n\r\ngatehouse proxy: 127.0.0.1 is a loopback address (this machine)\n"))
        #expect(String(decoding: ProxyRefusal(status: 407, reason: "x").response, as: UTF8.self).contains("Proxy-Authenticate: Basic"))
    }
}

import Foundation
