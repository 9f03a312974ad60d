import CZeroMQ
import Foundation
import Logging

/// Creates and configures a socket and its monitor on the calling thread, before ownership moves to the socket
/// thread. On any failure everything opened so far is closed.
struct SocketSetup {
    let socket: OwnedSocket
    let monitor: OwnedSocket?

    init(
        context: ZMQContext, type: Int32, options: SocketOptions, logger: Logger,
        configure: (UnsafeMutableRawPointer) throws(TransportError) -> Void
    ) throws(TransportError) {
        let socket = try context.makeSocket(type: type)
        do {
            try SocketOption.apply(options, to: socket, context: context)
            try configure(socket)
        } catch {
            zmq_close(socket)
            throw error
        }
        self.socket = OwnedSocket(raw: socket)
        monitor = Self.openMonitor(on: socket, context: context, logger: logger)
    }

    /// Closes both sockets (for failures between setup and handing them to the socket thread).
    func discard() {
        if let monitor {
            zmq_socket_monitor(socket.raw, nil, 0)
            zmq_close(monitor.raw)
        }
        zmq_close(socket.raw)
    }

    /// The monitor serves diagnostics and a ROUTER's early notice of closed connections: if it cannot be set up the
    /// socket still works (peers are then found gone by their missed heartbeats), so just log.
    private static func openMonitor(on socket: UnsafeMutableRawPointer, context: ZMQContext, logger: Logger) -> OwnedSocket? {
        let endpoint = "inproc://gatehouse-monitor-\(UUID().uuidString)"
        guard zmq_socket_monitor(socket, endpoint, MonitorEvent.subscribed) == 0 else {
            logger.warning("zmq socket monitor unavailable", metadata: ["zmq.error": "\(String(cString: zmq_strerror(zmq_errno())))"])
            return nil
        }
        guard let pair = try? context.makeSocket(type: ZMQ_PAIR) else {
            zmq_socket_monitor(socket, nil, 0)
            return nil
        }
        var linger: Int32 = 0
        _ = withUnsafeBytes(of: &linger) { zmq_setsockopt(pair, ZMQ_LINGER, $0.baseAddress, $0.count) }
        guard zmq_connect(pair, endpoint) == 0 else {
            zmq_close(pair)
            zmq_socket_monitor(socket, nil, 0)
            return nil
        }
        return OwnedSocket(raw: pair)
    }
}
