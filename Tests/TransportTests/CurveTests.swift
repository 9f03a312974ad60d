import Foundation
import Logging
import Testing
@testable import Transport

@Suite struct CurveTests {
    struct Fixture {
        let context: ZMQContext
        let authenticator: ZAPAuthenticator
        let router: RouterSocket
        let endpoint: String
        let serverPublicKey: String
        let atRouter: Collector<RoutedMessage>

        /// A CURVE router whose ZAP handler admits exactly `allowed` (public key -> User-Id).
        init(allowed: [String: String], logger: Logger = testLogger()) throws {
            context = try ZMQContext()
            authenticator = try ZAPAuthenticator(context: context, logger: logger) { domain, key in
                domain == "gatehouse" ? allowed[key] : nil
            }
            let server = try CurveKeyPair.generate()
            serverPublicKey = server.publicKey
            var options = SocketOptions()
            options.security = .curveServer(secretKey: server.secretKey, zapDomain: "gatehouse")
            router = try RouterSocket(context: context, bind: ["tcp://127.0.0.1:*"], options: options, logger: logger)
            endpoint = try #require(router.boundEndpoints.first)
            atRouter = Collector(router.messages)
        }

        func clientOptions(_ keys: (publicKey: String, secretKey: String)) -> SocketOptions {
            var options = SocketOptions()
            options.linger = .milliseconds(200)  // refused clients never flush: keep teardown short
            options.sendTimeout = .milliseconds(200)  // a refused client may lose its connection for good
            options.security = .curveClient(serverPublicKey: serverPublicKey, publicKey: keys.publicKey, secretKey: keys.secretKey)
            return options
        }

        func tearDown() async {
            await router.close()
            await authenticator.close()
            await context.terminate()
        }
    }

    @Test func allowedClientRoundTripsWithTheAuthorizedUserId() async throws {
        let client = try CurveKeyPair.generate()
        let fixture = try Fixture(allowed: [client.publicKey: "executor-a"])
        let dealer = try DealerSocket(context: fixture.context, connect: fixture.endpoint,
                                      options: fixture.clientOptions(client), logger: testLogger())
        let atDealer = Collector(dealer.messages)
        try await dealer.send([Data("job".utf8), Data()])
        let received = try #require(await fixture.atRouter.waitFor(count: 1).first)
        #expect(received.frames == [Data("job".utf8), Data()])
        #expect(received.userId == "executor-a")
        try await fixture.router.send([Data("ok".utf8)], to: received.peer)
        #expect(await atDealer.waitFor(count: 1).first == [Data("ok".utf8)])
        await dealer.close()
        await fixture.tearDown()
    }

    @Test func unknownClientKeyGetsNothingThroughAndTheRefusalIsLoggedWithoutTheKey() async throws {
        let capture = LogCapture()
        let allowed = try CurveKeyPair.generate()
        let stranger = try CurveKeyPair.generate()
        let fixture = try Fixture(allowed: [allowed.publicKey: "someone"], logger: capture.logger())
        let dealer = try DealerSocket(context: fixture.context, connect: fixture.endpoint,
                                      options: fixture.clientOptions(stranger), logger: testLogger())
        let sendError = await transportError { () async throws(TransportError) in try await dealer.send([Data("let me in".utf8)]) }
        #expect(sendError == nil || sendError?.code == .timedOut)
        try await Task.sleep(for: .milliseconds(500))  // the assertion is that nothing arrives in this window
        #expect(fixture.atRouter.items.isEmpty)

        let refusals = capture.all.filter { $0.level == .warning && $0.text.contains("ZAP refused a client key") }
        #expect(!refusals.isEmpty)
        #expect(refusals.allSatisfy { $0.text.contains("zap.key_prefix=\(stranger.publicKey.prefix(8))") })
        #expect(capture.all.allSatisfy { !$0.text.contains(stranger.publicKey) && !$0.text.contains(stranger.secretKey) })
        #expect(await eventually { capture.all.contains { $0.text.contains("authentication refused") } })
        await dealer.close()
        await fixture.tearDown()
    }

    @Test func aRefusedClientHearsOfItSoItCanAskAgainWithANewSocket() async throws {
        let client = try CurveKeyPair.generate()
        let fixture = try Fixture(allowed: [:])
        let refused = try DealerSocket(context: fixture.context, connect: fixture.endpoint,
                                       options: fixture.clientOptions(client), logger: testLogger())
        let refusals = Collector(refused.handshakeRefusals)
        _ = await transportError { () async throws(TransportError) in try await refused.send([Data("let me in".utf8)]) }
        #expect(await refusals.waitFor(count: 1).count == 1, "the refusal was not reported")
        await refused.close()
        #expect(await eventually { refusals.isFinished })
        await fixture.tearDown()
    }

    @Test func hexFingerprintsAreTheKeysBytes() throws {
        let keys = try CurveKeyPair.generate()
        let fingerprint = try #require(CurveKeyPair.hexFingerprint(keys.publicKey))
        #expect(fingerprint.count == 64 && fingerprint.allSatisfy { "0123456789abcdef".contains($0) })
        #expect(CurveKeyPair.hexFingerprint(String(repeating: "0", count: 40)) == String(repeating: "0", count: 64))
        #expect(CurveKeyPair.hexFingerprint("too short") == nil)
    }

    @Test func plaintextClientAgainstCurveServerGetsNothingThrough() async throws {
        let client = try CurveKeyPair.generate()
        let fixture = try Fixture(allowed: [client.publicKey: "executor-a"])
        var options = SocketOptions()
        options.linger = .milliseconds(200)
        // After a mechanism mismatch libzmq drops the connection for good, so the send may find no room.
        options.sendTimeout = .milliseconds(200)
        let dealer = try DealerSocket(context: fixture.context, connect: fixture.endpoint, options: options, logger: testLogger())
        let error = await transportError { () async throws(TransportError) in try await dealer.send([Data("plaintext".utf8)]) }
        #expect(error == nil || error?.code == .timedOut)
        try await Task.sleep(for: .milliseconds(500))  // the assertion is that nothing arrives in this window
        #expect(fixture.atRouter.items.isEmpty)
        await dealer.close()
        await fixture.tearDown()
    }

    @Test func clientWithTheWrongServerKeyGetsNothingThrough() async throws {
        let client = try CurveKeyPair.generate()
        let fixture = try Fixture(allowed: [client.publicKey: "executor-a"])
        let impostorServer = try CurveKeyPair.generate()
        var options = SocketOptions()
        options.linger = .milliseconds(200)
        options.sendTimeout = .milliseconds(200)
        options.security = .curveClient(serverPublicKey: impostorServer.publicKey, publicKey: client.publicKey, secretKey: client.secretKey)
        let dealer = try DealerSocket(context: fixture.context, connect: fixture.endpoint, options: options, logger: testLogger())
        let sendError = await transportError { () async throws(TransportError) in try await dealer.send([Data("hello?".utf8)]) }
        #expect(sendError == nil || sendError?.code == .timedOut)
        try await Task.sleep(for: .milliseconds(500))  // the assertion is that nothing arrives in this window
        #expect(fixture.atRouter.items.isEmpty)
        await dealer.close()
        await fixture.tearDown()
    }

    @Test func curveServerRefusesToStartWithoutAZAPHandler() async throws {
        let context = try ZMQContext()
        let server = try CurveKeyPair.generate()
        var options = SocketOptions()
        options.security = .curveServer(secretKey: server.secretKey, zapDomain: "gatehouse")
        let error = await transportError { () async throws(TransportError) in
            _ = try RouterSocket(context: context, bind: ["tcp://127.0.0.1:*"], options: options, logger: testLogger())
        }
        #expect(error?.code == .security)
        #expect(error.map { !$0.message.contains(server.secretKey) } ?? false)
        await context.terminate()
    }

    @Test func onlyOneZAPHandlerPerContextAndItCanBeReplacedAfterClose() async throws {
        let context = try ZMQContext()
        let first = try ZAPAuthenticator(context: context, logger: testLogger()) { _, _ in nil }
        let error = await transportError { () async throws(TransportError) in
            _ = try ZAPAuthenticator(context: context, logger: testLogger()) { _, _ in nil }
        }
        #expect(error?.code == .security)
        await first.close()
        let second = try ZAPAuthenticator(context: context, logger: testLogger()) { _, _ in nil }
        await second.close()
        await context.terminate()
    }

    @Test func plainSocketsStillWorkNextToAZAPHandler() async throws {
        let context = try ZMQContext()
        let authenticator = try ZAPAuthenticator(context: context, logger: testLogger()) { _, _ in nil }
        let endpoint = uniqueIPCEndpoint()
        defer { removeSocketFile(endpoint) }
        let router = try RouterSocket(context: context, bind: [endpoint], logger: testLogger())
        let dealer = try DealerSocket(context: context, connect: endpoint, logger: testLogger())
        let atRouter = Collector(router.messages)
        try await dealer.send([Data("internal".utf8)])
        let received = await atRouter.waitFor(count: 1)
        #expect(received.first?.frames == [Data("internal".utf8)])
        #expect(received.first?.userId == nil)
        await dealer.close()
        await router.close()
        await authenticator.close()
        await context.terminate()
    }

    @Test func keyHelpers() throws {
        let pair = try CurveKeyPair.generate()
        #expect(pair.publicKey.count == 40 && pair.secretKey.count == 40)
        #expect(try CurveKeyPair.publicKey(forSecretKey: pair.secretKey) == pair.publicKey)
        #expect(CurveKeyPair.isValid(pair.publicKey))
        #expect(!CurveKeyPair.isValid("too short"))
        #expect(throws: TransportError.self) { try CurveKeyPair.publicKey(forSecretKey: String(repeating: "~", count: 41)) }
        var options = SocketOptions()
        options.security = .curveClient(serverPublicKey: pair.publicKey, publicKey: pair.publicKey, secretKey: pair.secretKey)
        #expect(!"\(options.security)".contains(pair.secretKey))
    }
}
