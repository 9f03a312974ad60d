import CZeroMQ
import Foundation
import Logging
import Synchronization

/// The ZAP handler of a context: a REP socket on `inproc://zeromq.zap.01`, on its own thread, that libzmq asks
/// about every CURVE client. Denies by default: `authorize(domain, clientPublicKeyZ85)` returns the User-Id to
/// admit the client with (seen as `RoutedMessage.userId`), or nil (or "") to refuse it with status 400.
/// Only CURVE clients can be admitted. `authorize` runs on the handler thread: keep it fast and non-blocking.
/// Create it before any CURVE server socket (they refuse to start without one); close it after them.
public final class ZAPAuthenticator: Sendable {
    static let endpoint = "inproc://zeromq.zap.01"

    private let context: ZMQContext
    private let wake: WakeSignal
    private let stopRequested = Mutex(false)
    private let finished = Latch()

    public init(
        context: ZMQContext, logger: Logger,
        authorize: @escaping @Sendable (_ domain: String, _ publicKey: String) -> String?
    ) throws(TransportError) {
        try context.registerAuthenticator()
        let socket: UnsafeMutableRawPointer
        do throws(TransportError) {
            socket = try context.makeSocket(type: ZMQ_REP)
            do throws(TransportError) {
                try SocketOption.set(socket, ZMQ_LINGER, 0, "ZMQ_LINGER")
                guard zmq_bind(socket, Self.endpoint) == 0 else {
                    throw TransportError.fromZMQ("binding the ZAP handler", code: .security)
                }
                wake = try WakeSignal()
            } catch {
                zmq_close(socket)
                throw error
            }
        } catch {
            context.unregisterAuthenticator()
            throw error
        }
        self.context = context
        let owned = OwnedSocket(raw: socket)
        var zapLogger = logger
        zapLogger[metadataKey: "zmq.socket"] = "zap"
        let handlerLogger = zapLogger
        let thread = Thread { [self] in
            Thread.current.name = "zmq-zap"
            let handler = ZAPHandler(socket: owned.raw, logger: handlerLogger, authorize: authorize)
            handler.run(wake: wake, shouldStop: { [self] in stopRequested.withLock { $0 } })
            // Unbind first: zmq_close releases the inproc name asynchronously, and a new handler may bind next.
            zmq_unbind(owned.raw, Self.endpoint)
            zmq_close(owned.raw)
            finished.open()
        }
        thread.name = "zmq-zap"
        thread.start()
    }

    deinit { wake.close() }

    /// Stops answering ZAP requests. Close CURVE server sockets first: with no handler bound, libzmq would admit
    /// every client of a CURVE server that is still open.
    public func close() async {
        let first = stopRequested.withLock { stop in
            defer { stop = true }
            return !stop
        }
        if first { wake.signal() }
        await finished.wait()
        if first { context.unregisterAuthenticator() }
    }
}

/// The ZAP request/reply loop (RFC 27), confined to the handler thread.
private final class ZAPHandler {
    private let socket: UnsafeMutableRawPointer
    private let logger: Logger
    private let authorize: @Sendable (String, String) -> String?
    private var terminated = false

    init(socket: UnsafeMutableRawPointer, logger: Logger, authorize: @escaping @Sendable (String, String) -> String?) {
        self.socket = socket
        self.logger = logger
        self.authorize = authorize
    }

    func run(wake: WakeSignal, shouldStop: () -> Bool) {
        while !terminated && !shouldStop() {
            while !terminated, let request = receive() {
                send(reply(to: request))
            }
            if terminated || shouldStop() { return }
            var items = [
                zmq_pollitem_t(socket: socket, fd: 0, events: Int16(ZMQ_POLLIN), revents: 0),
                zmq_pollitem_t(socket: nil, fd: wake.fd, events: Int16(ZMQ_POLLIN), revents: 0),
            ]
            if zmq_poll(&items, 2, -1) < 0 {
                if zmq_errno() == ETERM { return }
                continue
            }
            if items[1].revents != 0 { wake.drain() }
        }
    }

    private func reply(to frames: [Data]) -> [Data] {
        let requestId = frames.count > 1 ? frames[1] : Data()
        func answer(_ status: String, _ text: String, userId: String = "") -> [Data] {
            [Data("1.0".utf8), requestId, Data(status.utf8), Data(text.utf8), Data(userId.utf8), Data()]
        }
        guard frames.count >= 6, String(decoding: frames[0], as: UTF8.self) == "1.0" else {
            logger.warning("ZAP refused a malformed request")
            return answer("400", "malformed request")
        }
        let domain = String(decoding: frames[2], as: UTF8.self)
        let address = String(decoding: frames[3], as: UTF8.self)
        let mechanism = String(decoding: frames[5], as: UTF8.self)
        guard mechanism == "CURVE", frames.count == 7, let publicKey = CurveKeyPair.z85([UInt8](frames[6])) else {
            logger.warning("ZAP refused a client: only CURVE is admitted", metadata: [
                "zap.domain": "\(domain)", "zap.mechanism": "\(mechanism)", "zap.address": "\(address)",
            ])
            return answer("400", "mechanism not allowed")
        }
        let keyPrefix = String(publicKey.prefix(8))
        guard let userId = authorize(domain, publicKey), !userId.isEmpty else {
            logger.warning("ZAP refused a client key", metadata: [
                "zap.domain": "\(domain)", "zap.key_prefix": "\(keyPrefix)", "zap.address": "\(address)",
            ])
            return answer("400", "key not allowed")
        }
        logger.debug("ZAP admitted a client key", metadata: [
            "zap.domain": "\(domain)", "zap.key_prefix": "\(keyPrefix)", "zap.user_id": "\(userId)",
        ])
        return answer("200", "OK", userId: userId)
    }

    private func receive() -> [Data]? {
        var frames: [Data] = []
        var message = zmq_msg_t()
        while true {
            zmq_msg_init(&message)
            defer { zmq_msg_close(&message) }
            if zmq_msg_recv(&message, socket, ZMQ_DONTWAIT) < 0 {
                let errno = zmq_errno()
                if errno == EINTR { continue }
                if errno == ETERM { terminated = true }
                return nil
            }
            let size = zmq_msg_size(&message)
            frames.append(size == 0 ? Data() : Data(bytes: zmq_msg_data(&message), count: size))
            if zmq_msg_more(&message) == 0 { return frames }
        }
    }

    private func send(_ frames: [Data]) {
        for (index, frame) in frames.enumerated() {
            let flags = index == frames.count - 1 ? 0 : ZMQ_SNDMORE
            // REP always has room for the reply to the request it just read: this does not block.
            let rc = frame.withUnsafeBytes { zmq_send(socket, $0.baseAddress, $0.count, flags) }
            if rc < 0 {
                if zmq_errno() == ETERM { terminated = true }
                logger.error("ZAP reply failed", metadata: ["zmq.error": "\(String(cString: zmq_strerror(zmq_errno())))"])
                return
            }
        }
    }
}
