import Foundation
import Logging
import Messages
import Synchronization
import Transport

/// The guard's side of the work link, for tests: a ROUTER an `ExecutorService` connects to. It remembers the
/// executor that registered and every message it sent, and sends whatever a test tells it to.
final class FakeGuard: Sendable {
    let endpoint: String
    private let context: ZMQContext
    private let router: RouterSocket
    private let received = Mutex<[Envelope]>([])
    private let executor = Mutex<PeerID?>(nil)
    private let socketPath: String

    init() throws {
        socketPath = "/tmp/ghg-" + UUID().uuidString.prefix(8).lowercased()
        endpoint = "ipc://" + socketPath
        context = try ZMQContext()
        var logger = Logger(label: "fake-guard")
        logger.logLevel = .warning
        router = try RouterSocket(context: context, bind: [endpoint], logger: logger)
        // Holds the fake until `close()` ends the stream.
        Task { [self] in
            for await message in router.messages {
                guard let envelope = try? WireCodec.envelope(of: message.frames) else { continue }
                if envelope.type == .executorReady { executor.withLock { $0 = message.peer } }
                if envelope.type != .heartbeat { received.withLock { $0.append(envelope) } }
            }
        }
    }

    var messages: [Envelope] { received.withLock { $0 } }

    /// Waits for the executor to register.
    func waitForExecutor(timeout: Duration = .seconds(10)) async throws {
        try await poll(until: { self.executor.withLock { $0 } != nil }, timeout: timeout)
    }

    func send<M: WireMessage>(_ message: M) async throws {
        guard let peer = executor.withLock({ $0 }) else { throw PollTimedOut() }
        try await router.send(try WireCodec.encode(message), to: peer)
    }

    /// The first message of type `M` the executor sent that matches, waiting for it.
    func first<M: WireMessage>(
        _ type: M.Type, timeout: Duration = .seconds(30), where matches: @escaping @Sendable (M) -> Bool = { _ in true }
    ) async throws -> M {
        let found = Mutex<M?>(nil)
        try await poll(until: {
            let match = self.messages.lazy.filter { $0.type == M.type }
                .compactMap { try? WireCodec.decode(M.self, from: $0) }.first(where: matches)
            found.withLock { $0 = match }
            return match != nil
        }, timeout: timeout)
        guard let value = found.withLock({ $0 }) else { throw PollTimedOut() }
        return value
    }

    /// Sends a file request and waits for its answer.
    func ask(_ request: FileRequest) async throws -> FileResult {
        try await send(request)
        return try await first(FileResult.self, timeout: .seconds(20)) { $0.requestId == request.requestId }
    }

    func close() async {
        await router.close()
        await context.terminate()
        unlink(socketPath)
    }
}
