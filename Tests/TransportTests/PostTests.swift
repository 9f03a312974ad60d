import Foundation
import Synchronization
import Testing
@testable import Transport

/// `RouterSocket.post`: several messages handed to the socket thread at once, in order, without waiting.
@Suite struct PostTests {
    @Test func postedMessagesArriveInOrderAndFailuresAreReportedByIndex() async throws {
        let context = try ZMQContext()
        let endpoint = uniqueIPCEndpoint()
        defer { removeSocketFile(endpoint) }
        let router = try RouterSocket(context: context, bind: [endpoint], logger: testLogger())
        let dealer = try DealerSocket(context: context, connect: endpoint, logger: testLogger())
        let atRouter = Collector(router.messages)
        let atDealer = Collector(dealer.messages)
        try await dealer.send([Data("hello".utf8)])
        let peer = try #require(await atRouter.waitFor(count: 1).first?.peer)

        let failures = Mutex<[Int: TransportError.Code]>([:])
        let stranger = PeerID(Data("nobody-here".utf8))
        let messages = (0..<200).map { index in
            (frames: [Data("m\(index)".utf8)], peer: index % 50 == 7 ? stranger : peer)
        }
        router.post(messages) { index, error in failures.withLock { $0[index] = error.code } }

        let expected = messages.enumerated().filter { $0.element.peer == peer }.map { "m\($0.offset)" }
        let received = await atDealer.waitFor(count: expected.count).map { String(decoding: $0[0], as: UTF8.self) }
        #expect(received == expected)
        #expect(await eventually { failures.withLock { $0.count } == 4 })
        #expect(failures.withLock { $0 } == [7: .peerUnreachable, 57: .peerUnreachable, 107: .peerUnreachable, 157: .peerUnreachable])

        await dealer.close()
        await router.close()
        // After close, a post fails every message at once, with the reason.
        let closed = Mutex<[TransportError.Code]>([])
        router.post([(frames: [Data("late".utf8)], peer: peer)]) { _, error in closed.withLock { $0.append(error.code) } }
        #expect(closed.withLock { $0 } == [.closed])
        await context.terminate()
    }
}
