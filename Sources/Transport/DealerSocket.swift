import CZeroMQ
import Foundation
import Logging

/// A connected DEALER socket on its own thread. It reconnects by itself; messages sent while the peer is down
/// queue in libzmq (up to the send HWM) and go out once it is back. At the HWM, `send` waits for room.
public final class DealerSocket: Sendable {
    private let context: ZMQContext  // kept alive while the socket is
    private let engine: SocketEngine
    /// Inbound messages; unbounded buffer. Finishes after `close()`. Iterate it from one task.
    public let messages: AsyncStream<[Data]>
    /// One element each time the peer refuses this socket's security handshake (an unknown or wrong key). libzmq
    /// stops trying after such a refusal: a new socket is the way to ask again. Finishes after `close()`.
    public let handshakeRefusals: AsyncStream<Void>

    public init(context: ZMQContext, connect endpoint: String, options: SocketOptions = .init(), logger: Logger) throws(TransportError) {
        let setup = try SocketSetup(context: context, type: ZMQ_DEALER, options: options, logger: logger) { socket throws(TransportError) in
            try Endpoint.connect(socket, to: endpoint)
        }
        let (stream, continuation) = AsyncStream<[Data]>.makeStream(bufferingPolicy: .unbounded)
        let (refusals, refusalSink) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        var socketLogger = logger
        socketLogger[metadataKey: "zmq.socket"] = "dealer"
        do {
            engine = try SocketEngine(
                socket: setup.socket, monitor: setup.monitor, threadName: "zmq-dealer", policy: .wait,
                linger: options.linger, sendTimeout: options.sendTimeout, logger: socketLogger,
                onMessage: { continuation.yield($0.frames) },
                onEvent: { event in
                    if case .handshakeRefused = event { refusalSink.yield() }
                },
                onFinish: {
                    continuation.finish()
                    refusalSink.finish()
                })
        } catch {
            setup.discard()
            throw error
        }
        self.context = context
        self.messages = stream
        self.handshakeRefusals = refusals
    }

    /// Resumes once libzmq queued the message (waits while the send queue is at its HWM).
    /// Throws `.closed` after `close()` (also for sends still waiting when the linger time ran out).
    public func send(_ frames: [Data]) async throws(TransportError) {
        try await engine.send(frames)
    }

    /// Stops receiving, hands already-queued sends to libzmq (up to the linger time), closes the socket.
    public func close() async { await engine.close() }
}
