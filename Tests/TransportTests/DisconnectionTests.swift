import Foundation
import Testing
@testable import Transport

/// A router names the peer whose connection closed, at once, and can confirm it is gone for good.
@Suite struct DisconnectionTests {
    @Test(arguments: ["ipc", "tcp"]) func aClosedPeerIsNamedAndConfirmedGoneWhileTheOtherIsNot(transport: String) async throws {
        let context = try ZMQContext()
        let endpoint = transport == "ipc" ? uniqueIPCEndpoint() : "tcp://127.0.0.1:*"
        defer { removeSocketFile(endpoint) }
        let router = try RouterSocket(context: context, bind: [endpoint], logger: testLogger())
        let bound = try #require(router.boundEndpoints.first)
        let atRouter = Collector(router.messages)
        let closed = Collector(router.disconnections)
        var dealers: [DealerSocket] = []
        for name in ["leaving", "staying"] {
            var options = SocketOptions()
            options.routingId = Data(name.utf8)
            let dealer = try DealerSocket(context: context, connect: bound, options: options, logger: testLogger())
            try await dealer.send([Data("hello".utf8)])
            dealers.append(dealer)
        }
        #expect(await atRouter.waitFor(count: 2).count == 2)
        let leaving = PeerID(Data("leaving".utf8)), staying = PeerID(Data("staying".utf8))

        await dealers[0].close()
        #expect(await closed.waitFor(count: 1) == [leaving])
        #expect(await router.isGone(leaving, probe: [Data("ping".utf8)]))
        #expect(await !router.isGone(staying, probe: [Data("ping".utf8)]))
        try await Task.sleep(for: .milliseconds(50))
        #expect(closed.items == [leaving], "the peer still connected was named too")

        await dealers[1].close()
        #expect(await closed.waitFor(count: 2) == [leaving, staying])
        await router.close()
        #expect(await eventually { closed.isFinished })
        await context.terminate()
    }

    @Test func aPeerThatReconnectsUnderTheSameRoutingIdIsNotGone() async throws {
        let context = try ZMQContext()
        let endpoint = uniqueIPCEndpoint()
        defer { removeSocketFile(endpoint) }
        let router = try RouterSocket(context: context, bind: [endpoint], logger: testLogger())
        let atRouter = Collector(router.messages)
        let closed = Collector(router.disconnections)
        var options = SocketOptions()
        options.routingId = Data("executor-1".utf8)
        let first = try DealerSocket(context: context, connect: endpoint, options: options, logger: testLogger())
        try await first.send([Data("one".utf8)])
        #expect(await atRouter.waitFor(count: 1).count == 1)
        await first.close()
        let second = try DealerSocket(context: context, connect: endpoint, options: options, logger: testLogger())
        try await second.send([Data("two".utf8)])
        #expect(await atRouter.waitFor(count: 2).count == 2)
        let peer = PeerID(Data("executor-1".utf8))
        #expect(await closed.waitFor(count: 1) == [peer])
        #expect(await !router.isGone(peer, probe: [Data("ping".utf8)]), "the peer is connected again")
        await second.close()
        await router.close()
        await context.terminate()
    }
}
