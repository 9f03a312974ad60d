import Foundation
import Testing
@testable import Transport

@Suite struct RoundTripTests {
    @Test func multiFrameRoundTripIncludingEmptyAndOneMegabyteFrames() async throws {
        let context = try ZMQContext()
        let endpoint = uniqueIPCEndpoint()
        defer { removeSocketFile(endpoint) }
        let router = try RouterSocket(context: context, bind: [endpoint], logger: testLogger())
        let dealer = try DealerSocket(context: context, connect: endpoint, logger: testLogger())
        let atRouter = Collector(router.messages)
        let atDealer = Collector(dealer.messages)

        let big = Data((0..<1_048_576).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
        let request = [Data("hello".utf8), Data(), big]
        try await dealer.send(request)
        let received = try #require(await atRouter.waitFor(count: 1).first)
        #expect(received.frames == request)
        #expect(received.userId == nil)

        let reply = [Data(), big, Data("bye".utf8)]
        try await router.send(reply, to: received.peer)
        #expect(await atDealer.waitFor(count: 1).first == reply)

        await dealer.close()
        await router.close()
        await context.terminate()
    }

    @Test func dealerRoutingIdIsThePeerIdSeenByTheRouter() async throws {
        let context = try ZMQContext()
        let endpoint = uniqueIPCEndpoint()
        defer { removeSocketFile(endpoint) }
        let router = try RouterSocket(context: context, bind: [endpoint], logger: testLogger())
        var options = SocketOptions()
        options.routingId = Data("executor-1".utf8)
        let dealer = try DealerSocket(context: context, connect: endpoint, options: options, logger: testLogger())
        let atRouter = Collector(router.messages)
        try await dealer.send([Data("hi".utf8)])
        #expect(await atRouter.waitFor(count: 1).first?.peer == PeerID(Data("executor-1".utf8)))
        await dealer.close()
        await router.close()
        await context.terminate()
    }

    @Test func manyConcurrentSendersOnOneDealerAllArrive() async throws {
        let context = try ZMQContext()
        let endpoint = uniqueIPCEndpoint()
        defer { removeSocketFile(endpoint) }
        let router = try RouterSocket(context: context, bind: [endpoint], logger: testLogger())
        let dealer = try DealerSocket(context: context, connect: endpoint, logger: testLogger())
        let atRouter = Collector(router.messages)
        let atDealer = Collector(dealer.messages)
        let senders = 50, perSender = 100

        try await withThrowingTaskGroup(of: Void.self) { group in
            for sender in 0..<senders {
                group.addTask {
                    for index in 0..<perSender { try await dealer.send([Data("\(sender)-\(index)".utf8)]) }
                }
            }
            try await group.waitForAll()
        }
        let received = await atRouter.waitFor(count: senders * perSender)
        let payloads = Set(received.map { String(decoding: $0.frames[0], as: UTF8.self) })
        #expect(received.count == senders * perSender)
        #expect(payloads.count == senders * perSender)

        // And the router side: many tasks replying to the same peer at once.
        let peer = try #require(received.first?.peer)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for sender in 0..<senders {
                group.addTask {
                    for index in 0..<perSender { try await router.send([Data("\(sender)-\(index)".utf8)], to: peer) }
                }
            }
            try await group.waitForAll()
        }
        #expect(await atDealer.waitFor(count: senders * perSender).count == senders * perSender)

        await dealer.close()
        await router.close()
        await context.terminate()
    }

    @Test func routerSendToUnknownPeerThrowsPeerUnreachable() async throws {
        let context = try ZMQContext()
        let endpoint = uniqueIPCEndpoint()
        defer { removeSocketFile(endpoint) }
        let router = try RouterSocket(context: context, bind: [endpoint], logger: testLogger())
        let error = await transportError { () async throws(TransportError) in
            try await router.send([Data("x".utf8)], to: PeerID(Data("nobody".utf8)))
        }
        #expect(error?.code == .peerUnreachable)
        await router.close()
        await context.terminate()
    }

    @Test func emptyMessageIsRejected() async throws {
        let context = try ZMQContext()
        let endpoint = uniqueIPCEndpoint()
        defer { removeSocketFile(endpoint) }
        let dealer = try DealerSocket(context: context, connect: endpoint, logger: testLogger())
        let error = await transportError { () async throws(TransportError) in try await dealer.send([]) }
        #expect(error?.code == .invalidMessage)
        await dealer.close()
        await context.terminate()
    }

    @Test func tcpWildcardPortIsResolved() async throws {
        let context = try ZMQContext()
        let router = try RouterSocket(context: context, bind: ["tcp://127.0.0.1:*"], logger: testLogger())
        let bound = try #require(router.boundEndpoints.first)
        #expect(bound.hasPrefix("tcp://127.0.0.1:") && !bound.hasSuffix(":*"))
        let dealer = try DealerSocket(context: context, connect: bound, logger: testLogger())
        let atRouter = Collector(router.messages)
        try await dealer.send([Data("over tcp".utf8)])
        #expect(await atRouter.waitFor(count: 1).first?.frames == [Data("over tcp".utf8)])
        await dealer.close()
        await router.close()
        await context.terminate()
    }

    @Test func invalidEndpointsAreReported() async throws {
        let context = try ZMQContext()
        let bindError = await transportError { () async throws(TransportError) in
            _ = try RouterSocket(context: context, bind: ["nonsense://x"], logger: testLogger())
        }
        #expect(bindError?.code == .invalidEndpoint)
        let connectError = await transportError { () async throws(TransportError) in
            _ = try DealerSocket(context: context, connect: "tcp://", logger: testLogger())
        }
        #expect(connectError?.code == .invalidEndpoint)
        await context.terminate()
    }

    @Test func roundTripLatencyP50() async throws {
        let context = try ZMQContext()
        let endpoint = uniqueIPCEndpoint()
        defer { removeSocketFile(endpoint) }
        let router = try RouterSocket(context: context, bind: [endpoint], logger: testLogger())
        let dealer = try DealerSocket(context: context, connect: endpoint, logger: testLogger())
        let echo = Task {
            for await message in router.messages { try? await router.send(message.frames, to: message.peer) }
        }
        var replies = dealer.messages.makeAsyncIterator()
        var samples: [Duration] = []
        let payload = Data(repeating: 0x42, count: 256)
        for _ in 0..<1_000 {
            let start = ContinuousClock.now
            try await dealer.send([payload])
            let reply = await replies.next()
            samples.append(ContinuousClock.now - start)
            #expect(reply == [payload])
        }
        samples.sort()
        print("transport: 1,000 dealer->router->dealer round trips over ipc: p50 \(samples[500]), p99 \(samples[990])")
        await dealer.close()
        await router.close()
        echo.cancel()
        await context.terminate()
    }
}
