/// A secret value (bot token, API key, signing key). It never prints itself: interpolating it into a log line,
/// an error or a reply yields `[REDACTED]`. Call `reveal()` only at the point of use.
public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    private let value: String

    public init(_ value: String) {
        self.value = value
    }

    public func reveal() -> String { value }

    public var description: String { "[REDACTED]" }
    public var debugDescription: String { "[REDACTED]" }
}
