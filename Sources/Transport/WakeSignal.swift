import CZeroMQ
import Glibc

/// An eventfd that lets any thread wake a socket thread blocked in `zmq_poll`.
/// The fd is closed only by `close()`, which its owner calls once no other thread can signal any more.
struct WakeSignal: Sendable {
    let fd: Int32

    init() throws(TransportError) {
        let fd = eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))
        guard fd >= 0 else {
            throw TransportError(.zmq, "eventfd failed: \(String(cString: strerror(errno)))")
        }
        self.fd = fd
    }

    func signal() {
        var one: UInt64 = 1
        // EAGAIN means the counter is saturated, i.e. already signalled: fine to ignore.
        _ = withUnsafeBytes(of: &one) { write(fd, $0.baseAddress, $0.count) }
    }

    /// Resets the counter after a wake-up.
    func drain() {
        var value: UInt64 = 0
        _ = withUnsafeMutableBytes(of: &value) { read(fd, $0.baseAddress, $0.count) }
    }

    func close() { _ = Glibc.close(fd) }
}
