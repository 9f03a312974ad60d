import CZeroMQ
import Foundation
import Synchronization

/// A libzmq context. Create one per process, close every socket, then `shutdown()` (or `await terminate()`).
public final class ZMQContext: Sendable {
    let handle: ContextHandle
    private struct State {
        var terminated = false
        var authenticatorActive = false
    }
    private let state = Mutex(State())

    public init() throws(TransportError) {
        guard let raw = zmq_ctx_new() else { throw TransportError.fromZMQ("zmq_ctx_new") }
        handle = ContextHandle(raw: raw)
    }

    /// Terminates the context: blocks until every socket is closed and its queued messages are flushed or its
    /// linger time has passed. Sockets still open get ETERM and close themselves, so this cannot hang on them.
    /// Idempotent. From async code prefer `await terminate()`, which does not block a cooperative thread.
    public func shutdown() {
        let first = state.withLock { state in
            defer { state.terminated = true }
            return !state.terminated
        }
        guard first else { return }
        while zmq_ctx_term(handle.raw) == -1 && zmq_errno() == EINTR {}
    }

    /// `shutdown()` on a dedicated thread; returns when it is done.
    public func terminate() async {
        let done = Latch()
        let thread = Thread { [self] in
            shutdown()
            done.open()
        }
        thread.name = "zmq-ctx-term"
        thread.start()
        await done.wait()
    }

    deinit { shutdown() }

    /// Opens a socket of `type`; throws `.closed` after shutdown.
    func makeSocket(type: Int32) throws(TransportError) -> UnsafeMutableRawPointer {
        if state.withLock({ $0.terminated }) { throw TransportError(.closed, "context is shut down") }
        guard let socket = zmq_socket(handle.raw, type) else {
            throw TransportError.fromZMQ("zmq_socket", code: zmq_errno() == ETERM ? .closed : .zmq)
        }
        return socket
    }

    /// Only one ZAP handler can serve a context.
    func registerAuthenticator() throws(TransportError) {
        let registered = state.withLock { state in
            if state.authenticatorActive { return false }
            state.authenticatorActive = true
            return true
        }
        guard registered else { throw TransportError(.security, "a ZAP authenticator is already running in this context") }
    }

    func unregisterAuthenticator() { state.withLock { $0.authenticatorActive = false } }

    var hasAuthenticator: Bool { state.withLock { $0.authenticatorActive } }
}

/// A libzmq context pointer. libzmq contexts are thread-safe (documented), so sharing it is sound.
struct ContextHandle: @unchecked Sendable {
    let raw: UnsafeMutableRawPointer
}
