import Foundation

/// Times on the wire are milliseconds since the Unix epoch: exact, and cheap to compare.
public typealias EpochMillis = Int64

extension Date {
    public var epochMillis: EpochMillis { EpochMillis((timeIntervalSince1970 * 1000).rounded()) }

    public init(epochMillis: EpochMillis) {
        self.init(timeIntervalSince1970: Double(epochMillis) / 1000)
    }
}
