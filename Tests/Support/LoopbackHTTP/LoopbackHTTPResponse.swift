import Foundation

/// What a handler answers. The server adds `Content-Length` and `Connection` itself.
public struct LoopbackHTTPResponse: Sendable {
    public var status: Int
    /// Sent as given (any `Content-Length` or `Connection` here is ignored).
    public var headers: [String: String]
    public var body: Data

    public init(status: Int = 200, headers: [String: String] = [:], body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public init(status: Int, contentType: String, body: Data) {
        self.init(status: status, headers: ["Content-Type": contentType], body: body)
    }

    /// Status line, headers (sorted, so the bytes are reproducible) and body, ready for a single write.
    func encoded(keepAlive: Bool) -> Data {
        var head = "HTTP/1.1 \(status) \(Self.reasonPhrase(status))\r\n"
        let reserved: Set<String> = ["content-length", "connection"]
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) where !reserved.contains(name.lowercased()) {
            head += "\(name): \(value)\r\n"
        }
        head += "Content-Length: \(body.count)\r\n"
        head += keepAlive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n"
        return Data(head.utf8) + body
    }

    /// Clients ignore the phrase; a plausible one keeps traces readable.
    static func reasonPhrase(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 201: "Created"
        case 204: "No Content"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 409: "Conflict"
        case 413: "Payload Too Large"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 529: "Overloaded"
        default: "Status"
        }
    }
}
