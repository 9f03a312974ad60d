import Foundation

/// A complete response. Any status code is a response, not an error: 4xx/5xx are for the caller to interpret.
public struct HTTPResponse: Sendable {
    public var status: Int
    /// Header names lowercased; when a header repeats, the last value wins.
    public var headers: [String: String]
    public var body: Data

    public init(status: Int, headers: [String: String] = [:], body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}
