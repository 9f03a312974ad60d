import CZeroMQ
import Foundation
import Logging

/// A bound ROUTER socket on its own thread. Sends to a peer that is not connected fail with `.peerUnreachable`
/// (ZMQ_ROUTER_MANDATORY); a reconnecting DEALER with the same routing id takes over its old slot
/// (ZMQ_ROUTER_HANDOVER). A peer whose connection closes is named on `disconnections` within milliseconds, long
/// before its heartbeats would be missed.
public final class RouterSocket: Sendable {
    private let context: ZMQContext  // kept alive while the socket is
    private let engine: SocketEngine
    /// Inbound messages; unbounded buffer (libzmq's receive HWM only applies while this thread is not reading).
    /// Finishes after `close()`. Iterate it from one task.
    public let messages: AsyncStream<RoutedMessage>
    /// Peers whose connection closed: the routing id that last sent over it (libzmq's monitor names only the
    /// connection's descriptor). By the time this is read the peer may have reconnected, so confirm with
    /// `isGone(_:probe:)` before acting on it. Keeps the newest 64 if nobody reads it.
    public let disconnections: AsyncStream<PeerID>
    /// The endpoints actually bound, wildcard ports resolved (e.g. `tcp://127.0.0.1:41234`).
    public let boundEndpoints: [String]

    public init(context: ZMQContext, bind endpoints: [String], options: SocketOptions = .init(), logger: Logger) throws(TransportError) {
        guard !endpoints.isEmpty else { throw TransportError(.invalidEndpoint, "a router needs at least one endpoint") }
        var bound: [String] = []
        let setup = try SocketSetup(context: context, type: ZMQ_ROUTER, options: options, logger: logger) { socket throws(TransportError) in
            try SocketOption.set(socket, ZMQ_ROUTER_MANDATORY, 1, "ZMQ_ROUTER_MANDATORY")
            try SocketOption.set(socket, ZMQ_ROUTER_HANDOVER, 1, "ZMQ_ROUTER_HANDOVER")
            for endpoint in endpoints { bound.append(try Endpoint.bind(socket, to: endpoint)) }
        }
        let (stream, continuation) = AsyncStream<RoutedMessage>.makeStream(bufferingPolicy: .unbounded)
        let (closed, closedSink) = AsyncStream<PeerID>.makeStream(bufferingPolicy: .bufferingNewest(64))
        var socketLogger = logger
        socketLogger[metadataKey: "zmq.socket"] = "router"
        do {
            engine = try SocketEngine(
                socket: setup.socket, monitor: setup.monitor, threadName: "zmq-router", policy: .fail,
                linger: options.linger, sendTimeout: options.sendTimeout, logger: socketLogger,
                onMessage: { inbound in
                    guard let routingId = inbound.frames.first else { return }
                    continuation.yield(RoutedMessage(
                        peer: PeerID(routingId), frames: Array(inbound.frames.dropFirst()), userId: inbound.userId))
                },
                tracksPeers: true,
                onEvent: { event in
                    if case .peerDisconnected(let peer) = event { closedSink.yield(PeerID(peer)) }
                },
                onFinish: {
                    continuation.finish()
                    closedSink.finish()
                })
        } catch {
            setup.discard()
            throw error
        }
        self.context = context
        self.messages = stream
        self.disconnections = closed
        self.boundEndpoints = bound
    }

    /// Resumes once libzmq queued the message. Throws `.peerUnreachable` if `peer` is not connected,
    /// `.queueFull` if its queue is at the high-water mark, `.closed` after `close()`.
    public func send(_ frames: [Data], to peer: PeerID) async throws(TransportError) {
        guard !frames.isEmpty else { throw TransportError(.invalidMessage, "a message needs at least one frame") }
        try await engine.send([peer.bytes] + frames)
    }

    /// Whether `peer` is gone: true once a send of `probe` (a message the peer accepts at any time) fails because no
    /// connection of that routing id is left. libzmq drops a closed connection's routing id a few milliseconds after
    /// reporting the close, so this tries for about 300 ms; false if the peer is still (or again) connected.
    public func isGone(_ peer: PeerID, probe: [Data]) async -> Bool {
        for pause in [0, 2, 5, 15, 30, 50, 100, 100] {
            if pause > 0 { try? await Task.sleep(for: .milliseconds(pause)) }
            do {
                try await send(probe, to: peer)
            } catch {
                if error.code == .peerUnreachable { return true }
                if error.code == .closed { return false }
            }
        }
        return false
    }

    /// Queues several messages (in this order) with one wake-up of the socket thread and returns at once, without
    /// waiting for libzmq: for a sender that has nothing to do on success. `onFailure` hears, on the socket thread,
    /// which message (by index) could not be queued and why.
    public func post(
        _ messages: [(frames: [Data], peer: PeerID)], onFailure: @escaping @Sendable (Int, TransportError) -> Void
    ) {
        engine.post(batch: messages.map { [$0.peer.bytes] + $0.frames }) { index, result in
            if case .failure(let error) = result { onFailure(index, error) }
        }
    }

    /// Stops receiving, hands already-queued sends to libzmq (up to the linger time), closes the socket.
    /// libzmq keeps flushing accepted messages until `ZMQContext.shutdown()`, again bounded by linger.
    public func close() async { await engine.close() }
}
