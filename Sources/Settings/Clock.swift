import Foundation

/// Wall-clock time as the programs see it. Injected, so that leases, limits and heartbeats are tested with a
/// clock the test moves by hand.
public protocol WallClock: Sendable {
    func now() -> Int64   // epoch milliseconds
}

public struct SystemWallClock: WallClock {
    public init() {}
    public func now() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }
}
