import Foundation

/// An instant: milliseconds since the Unix epoch. Exact, and cheap to compare.
///
/// A type of its own rather than a bare `Int64`, so that a duration passed where an instant belongs (or a time in
/// seconds where milliseconds belong) does not compile. Durations stay `Int64` milliseconds: an instant plus or
/// minus a duration is an instant, and the difference of two instants is a duration.
///
/// On the wire, in JSON and in the database it is the bare integer, so nothing stored or sent changes.
@frozen
public struct EpochMillis: Sendable, Hashable, Comparable {
    public var rawValue: Int64

    @inlinable
    public init(_ rawValue: Int64) {
        self.rawValue = rawValue
    }

    @inlinable
    public static func < (lhs: EpochMillis, rhs: EpochMillis) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The instant `milliseconds` later.
    @inlinable
    public static func + (time: EpochMillis, milliseconds: Int64) -> EpochMillis {
        EpochMillis(time.rawValue + milliseconds)
    }

    /// The instant `milliseconds` earlier.
    @inlinable
    public static func - (time: EpochMillis, milliseconds: Int64) -> EpochMillis {
        EpochMillis(time.rawValue - milliseconds)
    }

    /// The milliseconds from `earlier` to `later` (negative when `later` is before `earlier`).
    ///
    /// Disfavoured because literals are instants too: `now - 60_000` is the instant a minute ago, not the duration
    /// since the instant 60 000 (which `==` against an instant would silently compare as two unequal `AnyHashable`s).
    @inlinable @_disfavoredOverload
    public static func - (later: EpochMillis, earlier: EpochMillis) -> Int64 {
        later.rawValue - earlier.rawValue
    }

    @inlinable
    public static func += (time: inout EpochMillis, milliseconds: Int64) {
        time.rawValue += milliseconds
    }

    @inlinable
    public static func -= (time: inout EpochMillis, milliseconds: Int64) {
        time.rawValue -= milliseconds
    }

    /// The earliest and latest representable instants: "since ever" and "until further notice".
    public static let min = EpochMillis(Int64.min)
    public static let max = EpochMillis(Int64.max)

    /// The instant `milliseconds` later (earlier when negative), held at the representable range instead of
    /// overflowing: for deadlines made of configured durations, which may be absurdly large.
    @inlinable
    public func adding(saturating milliseconds: Int64) -> EpochMillis {
        let (sum, overflow) = rawValue.addingReportingOverflow(milliseconds)
        guard overflow else { return EpochMillis(sum) }
        return milliseconds > 0 ? .max : .min
    }
}

extension EpochMillis: ExpressibleByIntegerLiteral {
    /// Literals are instants, so tests and fixtures can write `1_700_000_000_000`.
    @inlinable
    public init(integerLiteral value: Int64) {
        self.init(value)
    }
}

extension EpochMillis: Codable {
    /// Decoded from the bare integer: the wire format predates the type.
    public init(from decoder: any Decoder) throws {
        self.init(try decoder.singleValueContainer().decode(Int64.self))
    }

    /// Encoded as the bare integer.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

extension EpochMillis: LosslessStringConvertible {
    /// The integer, as logs, audit text and signed job fields have always shown it.
    public var description: String { String(rawValue) }

    public init?(_ description: String) {
        guard let value = Int64(description) else { return nil }
        self.init(value)
    }
}

extension Date {
    public var epochMillis: EpochMillis { EpochMillis(Int64((timeIntervalSince1970 * 1000).rounded())) }

    public init(epochMillis: EpochMillis) {
        self.init(timeIntervalSince1970: Double(epochMillis.rawValue) / 1000)
    }
}
