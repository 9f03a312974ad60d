import Foundation

/// One parsed HTTP/1.1 request, as the loopback server received it.
public struct LoopbackHTTPRequest: Sendable {
    /// Uppercased, e.g. `POST`.
    public var method: String
    /// The target without its query, e.g. `/v1/messages`.
    public var path: String
    /// What followed `?` in the target, undecoded; nil when there was no `?`.
    public var query: String?
    /// Header names lowercased; a repeated header keeps its last value.
    public var headers: [String: String]
    /// The body, with any chunked transfer encoding removed.
    public var body: Data
    /// When its last byte had been read.
    public var receivedAt: Date

    public init(
        method: String, path: String, query: String? = nil, headers: [String: String] = [:], body: Data = Data(),
        receivedAt: Date = Date()
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.receivedAt = receivedAt
    }
}
