import Foundation
import Messages

/// Wall-clock time as the programs see it. Injected, so that leases, limits and heartbeats are tested with a
/// clock the test moves by hand.
public protocol WallClock: Sendable {
    func now() -> EpochMillis
}

public struct SystemWallClock: WallClock {
    public init() {}
    public func now() -> EpochMillis { Date().epochMillis }
}
