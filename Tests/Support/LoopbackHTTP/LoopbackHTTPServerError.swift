/// The loopback server could not start listening.
public struct LoopbackHTTPServerError: Error, Sendable, CustomStringConvertible {
    /// Stable: `loopback_http.socket`, `loopback_http.bind`, `loopback_http.port`.
    public var code: String
    public var message: String
    public var description: String { "\(code): \(message)" }
}
