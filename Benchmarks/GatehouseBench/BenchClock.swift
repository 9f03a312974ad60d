#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Wall-clock readings in microseconds since the epoch: the one clock every process on the machine shares, so the
/// fake CLI's readings and the fake Telegram's can be subtracted.
enum BenchClock {
    static func epochMicros() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1_000_000 + Int64(now.tv_nsec) / 1_000
    }

    static func micros(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1_000_000).rounded()) }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
