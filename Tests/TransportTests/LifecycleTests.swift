import Foundation
import Glibc
import Synchronization
import Testing
@testable import Transport

@Suite struct LifecycleTests {
    @Test func dealerKeepsWorkingAcrossARouterRestartOnTheSameEndpoint() async throws {
        let context = try ZMQContext()
        let endpoint = uniqueIPCEndpoint()
        defer { removeSocketFile(endpoint) }
        let first = try RouterSocket(context: context, bind: [endpoint], logger: testLogger())
        let dealer = try DealerSocket(context: context, connect: endpoint, logger: testLogger())
        let atFirst = Collector(first.messages)
        try await dealer.send([Data("before".utf8)])
        #expect(await atFirst.waitFor(count: 1).count == 1)
        await first.close()

        // Let the dealer notice the disconnect; messages already written into the dead connection would be lost.
        try await Task.sleep(for: .milliseconds(50))
        for index in 0..<5 { try await dealer.send([Data("while-down-\(index)".utf8)]) }

        let second = try RouterSocket(context: context, bind: [endpoint], logger: testLogger())
        let atSecond = Collector(second.messages)
        let received = await atSecond.waitFor(count: 5)
        #expect(received.map { String(decoding: $0.frames[0], as: UTF8.self) } == (0..<5).map { "while-down-\($0)" })

        let atDealer = Collector(dealer.messages)
        if let peer = received.first?.peer { try await second.send([Data("welcome back".utf8)], to: peer) }
        #expect(await atDealer.waitFor(count: 1).first == [Data("welcome back".utf8)])

        await dealer.close()
        await second.close()
        await context.terminate()
    }

    @Test func closeFlushesQueuedSendsToALivePeer() async throws {
        let routerContext = try ZMQContext()
        let dealerContext = try ZMQContext()
        let endpoint = uniqueIPCEndpoint()
        defer { removeSocketFile(endpoint) }
        let router = try RouterSocket(context: routerContext, bind: [endpoint], logger: testLogger())
        let dealer = try DealerSocket(context: dealerContext, connect: endpoint, logger: testLogger())
        let atRouter = Collector(router.messages)
        let count = 2_000
        let payload = Data(repeating: 7, count: 4_096)
        for index in 0..<count { try await dealer.send([Data("\(index)".utf8), payload]) }
        let start = ContinuousClock.now
        await dealer.close()
        await dealerContext.terminate()  // waits for libzmq to flush, bounded by linger
        #expect(ContinuousClock.now - start < .seconds(10))
        #expect(await atRouter.waitFor(count: count).count == count)
        await router.close()
        await routerContext.terminate()
    }

    @Test func closeReturnsPromptlyWhenThePeerIsGone() async throws {
        let context = try ZMQContext()
        var options = SocketOptions()
        options.linger = .milliseconds(300)
        let dealer = try DealerSocket(context: context, connect: uniqueIPCEndpoint(), options: options, logger: testLogger())
        for index in 0..<10 { try await dealer.send([Data("\(index)".utf8)]) }  // queued in libzmq, never delivered
        let start = ContinuousClock.now
        await dealer.close()
        #expect(ContinuousClock.now - start < .seconds(5))
        await context.terminate()
        #expect(ContinuousClock.now - start < .seconds(10))
    }

    @Test func sendsWaitingAtTheHighWaterMarkFailAsClosedAfterLinger() async throws {
        let context = try ZMQContext()
        var options = SocketOptions()
        options.sendHighWaterMark = 5
        options.linger = .milliseconds(200)
        options.sendTimeout = nil
        let dealer = try DealerSocket(context: context, connect: uniqueIPCEndpoint(), options: options, logger: testLogger())
        let outcomes = Mutex<[TransportError?]>([])
        let senders = Task {
            await withTaskGroup(of: TransportError?.self) { group in
                for index in 0..<50 {
                    group.addTask {
                        await transportError { () async throws(TransportError) in try await dealer.send([Data("\(index)".utf8)]) }
                    }
                }
                for await outcome in group { outcomes.withLock { $0.append(outcome) } }
            }
        }
        // Some sends are accepted (queued up to the HWM), the rest wait for room.
        #expect(await eventually { outcomes.withLock { $0.count } >= 5 })
        try await Task.sleep(for: .milliseconds(100))
        let acceptedBeforeClose = outcomes.withLock { $0.count }
        #expect(acceptedBeforeClose < 50)
        await dealer.close()
        await senders.value
        let all = outcomes.withLock { $0 }
        #expect(all.count == 50)
        #expect(all.compactMap { $0 }.allSatisfy { $0.code == .closed })
        #expect(all.compactMap { $0 }.count == 50 - acceptedBeforeClose)
        await context.terminate()
    }

    @Test func sendsWaitingForRoomTimeOut() async throws {
        let context = try ZMQContext()
        var options = SocketOptions()
        options.sendHighWaterMark = 1
        options.sendTimeout = .milliseconds(100)
        options.linger = .zero
        let dealer = try DealerSocket(context: context, connect: uniqueIPCEndpoint(), options: options, logger: testLogger())
        var firstFailure: TransportError?
        let start = ContinuousClock.now
        for index in 0..<100 {
            firstFailure = await transportError { () async throws(TransportError) in try await dealer.send([Data("\(index)".utf8)]) }
            if firstFailure != nil { break }
        }
        #expect(firstFailure?.code == .timedOut)
        #expect(ContinuousClock.now - start < .seconds(10))
        await dealer.close()
        await context.terminate()
    }

    @Test func messagesFinishAfterCloseAndLaterSendsFail() async throws {
        let context = try ZMQContext()
        let endpoint = uniqueIPCEndpoint()
        defer { removeSocketFile(endpoint) }
        let router = try RouterSocket(context: context, bind: [endpoint], logger: testLogger())
        let dealer = try DealerSocket(context: context, connect: endpoint, logger: testLogger())
        let atRouter = Collector(router.messages)
        let atDealer = Collector(dealer.messages)
        await dealer.close()
        await router.close()
        #expect(await eventually { atRouter.isFinished && atDealer.isFinished })
        let dealerError = await transportError { () async throws(TransportError) in try await dealer.send([Data()]) }
        #expect(dealerError?.code == .closed)
        let routerError = await transportError { () async throws(TransportError) in
            try await router.send([Data()], to: PeerID(Data("p".utf8)))
        }
        #expect(routerError?.code == .closed)
        await router.close()  // idempotent
        await context.terminate()
        context.shutdown()  // idempotent
    }

    @Test func contextShutdownClosesSocketsThatWereNotClosed() async throws {
        let context = try ZMQContext()
        let endpoint = uniqueIPCEndpoint()
        defer { removeSocketFile(endpoint) }
        let router = try RouterSocket(context: context, bind: [endpoint], logger: testLogger())
        let atRouter = Collector(router.messages)
        await context.terminate()  // must not hang
        #expect(await eventually { atRouter.isFinished })
        let error = await transportError { () async throws(TransportError) in
            _ = try DealerSocket(context: context, connect: endpoint, logger: testLogger())
        }
        #expect(error?.code == .closed)
    }

    @Test func bindingAnIPCPathWithALiveListenerIsRefused() async throws {
        let context = try ZMQContext()
        let endpoint = uniqueIPCEndpoint()
        defer { removeSocketFile(endpoint) }
        let router = try RouterSocket(context: context, bind: [endpoint], logger: testLogger())
        let error = await transportError { () async throws(TransportError) in
            _ = try RouterSocket(context: context, bind: [endpoint], logger: testLogger())
        }
        #expect(error?.code == .invalidEndpoint)
        // The original router still works.
        let dealer = try DealerSocket(context: context, connect: endpoint, logger: testLogger())
        let atRouter = Collector(router.messages)
        try await dealer.send([Data("still here".utf8)])
        #expect(await atRouter.waitFor(count: 1).count == 1)
        await dealer.close()
        await router.close()
        await context.terminate()
    }

    @Test func bindingOverAStaleIPCSocketFileWorks() async throws {
        let endpoint = uniqueIPCEndpoint()
        defer { removeSocketFile(endpoint) }
        let path = try #require(Endpoint.ipcPath(endpoint))
        try makeStaleUnixSocketFile(at: path)
        #expect(FileManager.default.fileExists(atPath: path))

        let context = try ZMQContext()
        let router = try RouterSocket(context: context, bind: [endpoint], logger: testLogger())
        let dealer = try DealerSocket(context: context, connect: endpoint, logger: testLogger())
        let atRouter = Collector(router.messages)
        try await dealer.send([Data("fresh".utf8)])
        #expect(await atRouter.waitFor(count: 1).count == 1)
        await dealer.close()
        await router.close()
        await context.terminate()
    }

    /// Binds a unix socket at `path` and closes it without unlinking, as a crashed process would leave it.
    private func makeStaleUnixSocketFile(at path: String) throws {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            buffer.copyBytes(from: bytes)
            buffer[bytes.count] = 0
        }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        try #require(fd >= 0)
        defer { close(fd) }
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        try #require(rc == 0)
    }
}
