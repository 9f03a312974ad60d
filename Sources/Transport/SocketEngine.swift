import CZeroMQ
import Foundation
import Logging
import Synchronization

/// A message as read off a socket: all frames (a ROUTER's first frame is the routing id) plus the ZAP User-Id.
struct InboundMessage: Sendable {
    let frames: [Data]
    let userId: String?
    /// The file descriptor of the connection it came over (ZMQ_SRCFD), when the socket tracks its peers.
    var descriptor: Int32? = nil
}

/// What a socket's monitor tells its owner (besides the log).
enum SocketEvent: Sendable {
    /// ROUTER: the connection the routing id last sent over closed.
    case peerDisconnected(Data)
    /// The peer refused this socket's security handshake (wrong or unknown key, refused by ZAP); libzmq does not
    /// try that connection again by itself.
    case handshakeRefused
}

/// A send waiting for libzmq to take it.
struct PendingSend: Sendable {
    let frames: [Data]
    /// After this the send fails with `.timedOut` if libzmq still has no room for it.
    let deadline: ContinuousClock.Instant?
    /// Called once, on the socket thread (or by whoever closes the engine).
    let complete: @Sendable (Result<Void, TransportError>) -> Void
}

/// The async-facing half of one socket: an outbox shared with the socket thread, the eventfd that wakes it, and
/// the close handshake. The socket itself lives only on the thread run by `SocketWorker`.
final class SocketEngine: Sendable {
    /// What to do when libzmq says a message cannot be queued now (EAGAIN).
    enum FullQueuePolicy: Sendable {
        /// Keep it and retry when the socket becomes writable (DEALER: back-pressure on the sender).
        case wait
        /// Fail it with `.queueFull` (ROUTER: EAGAIN is per peer, so waiting would block every other peer).
        case fail
    }

    private struct Shared {
        var outbox: [PendingSend] = []
        var closeDeadline: ContinuousClock.Instant?
        var finished = false
    }

    private let shared = Mutex(Shared())
    let wake: WakeSignal
    let linger: Duration
    let sendTimeout: Duration?
    private let finished = Latch()

    /// Starts the socket thread, which owns `socket` from now on (and closes it).
    init(
        socket: OwnedSocket,
        monitor: OwnedSocket?,
        threadName: String,
        policy: FullQueuePolicy,
        linger: Duration,
        sendTimeout: Duration?,
        logger: Logger,
        onMessage: @escaping @Sendable (InboundMessage) -> Void,
        tracksPeers: Bool = false,
        onEvent: @escaping @Sendable (SocketEvent) -> Void = { _ in },
        onFinish: @escaping @Sendable () -> Void
    ) throws(TransportError) {
        wake = try WakeSignal()
        self.linger = linger
        self.sendTimeout = sendTimeout
        let thread = Thread { [self] in
            Thread.current.name = threadName  // names the OS thread too (visible in debuggers and top -H)
            let worker = SocketWorker(
                socket: socket.raw, monitor: monitor?.raw, engine: self, policy: policy,
                logger: logger, onMessage: onMessage,
                tracksPeers: tracksPeers, onEvent: onEvent)
            worker.run()
            onFinish()
            finished.open()
        }
        thread.name = threadName
        thread.start()
    }

    deinit { wake.close() }

    func send(_ frames: [Data]) async throws(TransportError) {
        guard !frames.isEmpty else { throw TransportError(.invalidMessage, "a message needs at least one frame") }
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<Void, TransportError>, Never>) in
            post(batch: [frames]) { _, result in continuation.resume(returning: result) }
        }
        try result.get()
    }

    /// Queues the messages in order with one wake-up and returns at once; `onResult` hears, on the socket thread,
    /// how each one went (by index).
    func post(batch: [[Data]], onResult: @escaping @Sendable (Int, Result<Void, TransportError>) -> Void) {
        guard !batch.isEmpty else { return }
        let deadline = sendTimeout.map { ContinuousClock.now + $0 }
        let accepted = shared.withLock { shared in
            guard !shared.finished, shared.closeDeadline == nil else { return false }
            // The thread drains the whole outbox per wake-up, so only the first append needs to wake it.
            if shared.outbox.isEmpty { wake.signal() }
            for (index, frames) in batch.enumerated() {
                shared.outbox.append(PendingSend(frames: frames, deadline: deadline) { onResult(index, $0) })
            }
            return true
        }
        if !accepted {
            for index in batch.indices { onResult(index, .failure(TransportError(.closed, "socket is closed"))) }
        }
    }

    /// Stops receiving, lets queued sends reach libzmq for up to `linger`, closes the socket, and returns.
    func close() async {
        shared.withLock { shared in
            guard !shared.finished, shared.closeDeadline == nil else { return }
            shared.closeDeadline = ContinuousClock.now + linger
            wake.signal()
        }
        await finished.wait()
    }

    // MARK: - Socket-thread side

    /// Everything queued since the last call.
    func takeOutbox() -> [PendingSend] {
        shared.withLock { shared in
            defer { shared.outbox = [] }
            return shared.outbox
        }
    }

    var closeDeadline: ContinuousClock.Instant? { shared.withLock { $0.closeDeadline } }

    /// Marks the engine finished (new sends fail) and returns sends that never reached libzmq.
    func finish() -> [PendingSend] {
        shared.withLock { shared in
            shared.finished = true
            defer { shared.outbox = [] }
            return shared.outbox
        }
    }
}
