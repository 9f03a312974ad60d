import CZeroMQ
import Foundation
import Logging

/// The poll loop of one socket, confined to its dedicated thread: hands queued sends to libzmq, reads inbound
/// messages, reads monitor events, and tears the socket down on close. Not Sendable: it never leaves its thread.
final class SocketWorker {
    private let socket: UnsafeMutableRawPointer
    private let monitor: UnsafeMutableRawPointer?
    private let engine: SocketEngine
    private let policy: SocketEngine.FullQueuePolicy
    private let logger: Logger
    private let onMessage: @Sendable (InboundMessage) -> Void
    /// Whether to remember which routing id sends over which connection (ROUTER), to name closed ones.
    private let tracksPeers: Bool
    private let onEvent: @Sendable (SocketEvent) -> Void
    /// The routing id that last sent over each connection (by file descriptor), so that a monitor's
    /// DISCONNECTED event, which carries only the descriptor, can name the peer.
    private var peerByDescriptor: [Int32: Data] = [:]
    private let message = UnsafeMutablePointer<zmq_msg_t>.allocate(capacity: 1)
    private var monitorLog: MonitorEventLog

    /// Sends taken from the outbox, in order; `head` is the next one, `nextFrame` its next frame.
    private var batch: [PendingSend?] = []
    private var head = 0
    private var nextFrame = 0
    private var terminated = false

    /// Messages read per loop turn before servicing sends again, so neither direction starves the other.
    private static let receiveBurst = 256

    init(
        socket: UnsafeMutableRawPointer, monitor: UnsafeMutableRawPointer?, engine: SocketEngine,
        policy: SocketEngine.FullQueuePolicy, logger: Logger, onMessage: @escaping @Sendable (InboundMessage) -> Void,
        tracksPeers: Bool, onEvent: @escaping @Sendable (SocketEvent) -> Void
    ) {
        self.socket = socket
        self.monitor = monitor
        self.engine = engine
        self.policy = policy
        self.logger = logger
        self.onMessage = onMessage
        self.tracksPeers = tracksPeers
        self.onEvent = onEvent
        self.monitorLog = MonitorEventLog(logger: logger)
    }

    deinit { message.deallocate() }

    func run() {
        defer { tearDown() }
        while !terminated {
            // Read before flushing: once the deadline is set no new sends are accepted, so a flush that follows
            // it has taken every send accepted before close().
            let closeDeadline = engine.closeDeadline
            let flush = flushSends()
            if terminated { return }
            var moreInbound = false
            if closeDeadline == nil {
                moreInbound = receiveMessages()
                if terminated { return }
            } else if case .idle = flush {
                return  // closing and everything queued reached libzmq
            }
            var wakeAt: ContinuousClock.Instant?
            if case .blocked(let sendDeadline) = flush { wakeAt = sendDeadline }
            if let closeDeadline {
                if ContinuousClock.now >= closeDeadline { return }
                wakeAt = min(wakeAt ?? closeDeadline, closeDeadline)
            }
            var timeout = -1
            if moreInbound {
                timeout = 0
            } else if let wakeAt {
                timeout = Int(max(1, ContinuousClock.now.duration(to: wakeAt).zmqMilliseconds))
            }
            var wantOutput = false
            if case .blocked = flush { wantOutput = true }
            poll(timeout: timeout, wantOutput: wantOutput, wantInput: closeDeadline == nil)
        }
    }

    // MARK: Sending

    private enum FlushOutcome {
        /// Everything queued reached libzmq.
        case idle
        /// A send waits for the socket to become writable, until the given deadline (if any).
        case blocked(until: ContinuousClock.Instant?)
    }

    /// Hands queued sends to libzmq until the outbox is empty or libzmq pushes back.
    private func flushSends() -> FlushOutcome {
        while true {
            if head == batch.count {
                batch = engine.takeOutbox().map { $0 }
                head = 0
                nextFrame = 0
                if batch.isEmpty { return .idle }
            }
            guard let pending = batch[head] else { head += 1; continue }
            switch send(pending.frames) {
            case .sent:
                complete(.success(()))
            case .wouldBlock where nextFrame > 0:
                return .blocked(until: nil)  // never abandon a half-sent message
            case .wouldBlock where policy == .fail:
                complete(.failure(TransportError(.queueFull, "peer queue is at its high-water mark")))
            case .wouldBlock:
                if let deadline = pending.deadline, ContinuousClock.now >= deadline {
                    complete(.failure(TransportError(
                        .timedOut, "no room to queue the message (send queue full, or no usable connection)")))
                } else {
                    return .blocked(until: pending.deadline)
                }
            case .failed(let error):
                complete(.failure(error))
            case .terminated:
                terminated = true
                return .idle
            }
        }
    }

    private func complete(_ result: Result<Void, TransportError>) {
        batch[head]?.complete(result)
        batch[head] = nil  // release the frames now, not when the batch is replaced
        head += 1
        nextFrame = 0
    }

    private enum SendOutcome { case sent, wouldBlock, failed(TransportError), terminated }

    /// Sends frames from `nextFrame` on. libzmq queues a multi-frame message atomically once its first frame is
    /// accepted; resuming mid-message is only a safety net.
    private func send(_ frames: [Data]) -> SendOutcome {
        while nextFrame < frames.count {
            let isLast = nextFrame == frames.count - 1
            let flags = ZMQ_DONTWAIT | (isLast ? 0 : ZMQ_SNDMORE)
            let rc = frames[nextFrame].withUnsafeBytes { zmq_send(socket, $0.baseAddress, $0.count, flags) }
            if rc >= 0 {
                nextFrame += 1
                continue
            }
            switch zmq_errno() {
            case EINTR: continue
            case EAGAIN: return .wouldBlock
            case ETERM: return .terminated
            case EHOSTUNREACH:
                return .failed(TransportError(.peerUnreachable, "peer is not connected"))
            case let errno:
                return .failed(TransportError.fromZMQ("send", errno: errno))
            }
        }
        return .sent
    }

    // MARK: Receiving

    /// Reads and delivers up to `receiveBurst` messages; returns true if more may be waiting.
    private func receiveMessages() -> Bool {
        for _ in 0..<Self.receiveBurst {
            guard let inbound = receiveMessage() else { return false }
            if let descriptor = inbound.descriptor, let peer = inbound.frames.first, peerByDescriptor[descriptor] != peer {
                peerByDescriptor[descriptor] = peer
            }
            onMessage(inbound)
        }
        return true
    }

    private func receiveMessage() -> InboundMessage? {
        var frames: [Data] = []
        var userId: String?
        var descriptor: Int32?
        while true {
            zmq_msg_init(message)
            defer { zmq_msg_close(message) }
            if zmq_msg_recv(message, socket, ZMQ_DONTWAIT) < 0 {
                let errno = zmq_errno()
                if errno == EINTR { continue }
                if errno == ETERM { terminated = true }
                if errno != EAGAIN && errno != ETERM {
                    logger.error("zmq receive failed", metadata: ["zmq.error": "\(String(cString: zmq_strerror(errno)))"])
                }
                // A multi-part message arrives atomically, so a failure mid-message only happens on termination.
                return nil
            }
            let size = zmq_msg_size(message)
            frames.append(size == 0 ? Data() : Data(bytes: zmq_msg_data(message), count: size))
            if userId == nil, let property = zmq_msg_gets(message, "User-Id") {
                let value = String(cString: property)
                userId = value.isEmpty ? nil : value
            }
            if tracksPeers, descriptor == nil {
                let fd = zmq_msg_get(message, ZMQ_SRCFD)
                if fd >= 0 { descriptor = fd }
            }
            if zmq_msg_more(message) == 0 { return InboundMessage(frames: frames, userId: userId, descriptor: descriptor) }
        }
    }

    // MARK: Polling

    private func poll(timeout: Int, wantOutput: Bool, wantInput: Bool) {
        var socketEvents: Int16 = 0
        if wantInput { socketEvents |= Int16(ZMQ_POLLIN) }
        if wantOutput { socketEvents |= Int16(ZMQ_POLLOUT) }
        var items = [
            zmq_pollitem_t(socket: socket, fd: 0, events: socketEvents, revents: 0),
            zmq_pollitem_t(socket: nil, fd: engine.wake.fd, events: Int16(ZMQ_POLLIN), revents: 0),
        ]
        if let monitor {
            items.append(zmq_pollitem_t(socket: monitor, fd: 0, events: Int16(ZMQ_POLLIN), revents: 0))
        }
        let rc = zmq_poll(&items, Int32(items.count), timeout)
        if rc < 0 {
            let errno = zmq_errno()
            if errno == ETERM { terminated = true }
            else if errno != EINTR { logger.error("zmq_poll failed", metadata: ["zmq.error": "\(String(cString: zmq_strerror(errno)))"]) }
            return
        }
        if items[1].revents != 0 { engine.wake.drain() }
        if items.count > 2 && items[2].revents != 0 { readMonitorEvents() }
    }

    private func readMonitorEvents() {
        guard let monitor else { return }
        while true {
            var frames: [Data] = []
            while true {
                zmq_msg_init(message)
                defer { zmq_msg_close(message) }
                guard zmq_msg_recv(message, monitor, ZMQ_DONTWAIT) >= 0 else { return }
                let size = zmq_msg_size(message)
                frames.append(size == 0 ? Data() : Data(bytes: zmq_msg_data(message), count: size))
                if zmq_msg_more(message) == 0 { break }
            }
            guard let event = MonitorEvent(frames: frames) else { continue }
            monitorLog.record(event)
            if Int32(event.event) == ZMQ_EVENT_DISCONNECTED,
               let peer = peerByDescriptor.removeValue(forKey: Int32(bitPattern: event.value)) {
                onEvent(.peerDisconnected(peer))
            } else if event.isSecurityRelevantFailure {
                onEvent(.handshakeRefused)
            }
        }
    }

    // MARK: Teardown

    private func tearDown() {
        let closed = TransportError(.closed, "socket closed before the message was sent")
        for index in head..<batch.count { batch[index]?.complete(.failure(closed)) }
        batch = []
        head = 0
        for pending in engine.finish() { pending.complete(.failure(closed)) }
        if let monitor {
            zmq_socket_monitor(socket, nil, 0)
            zmq_close(monitor)
        }
        // LINGER is set, so libzmq keeps flushing what it accepted, bounded, until the context terminates.
        zmq_close(socket)
    }
}
