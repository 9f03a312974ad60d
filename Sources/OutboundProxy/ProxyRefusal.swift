/// A request the proxy does not carry out, and the short plain-text answer the client gets. The reason names the
/// host and what is wrong with it; it never repeats a path or a query (they can carry secrets).
public struct ProxyRefusal: Error, Equatable, Sendable {
    public var status: Int
    public var reason: String

    public init(status: Int, reason: String) {
        self.status = status
        self.reason = reason
    }

    public static func forbidden(_ reason: String) -> ProxyRefusal { .init(status: 403, reason: reason) }
    public static func badRequest(_ reason: String) -> ProxyRefusal { .init(status: 400, reason: reason) }

    /// The whole response: status line, a few fields, the reason as the body; the connection closes after it.
    public var response: [UInt8] {
        let body = "gatehouse proxy: \(reason)\n"
        var head = "HTTP/1.1 \(status) \(Self.phrase(status))\r\n"
        head += "Content-Type: text/plain; charset=utf-8\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n"
        if status == 407 { head += "Proxy-Authenticate: Basic realm=\"gatehouse\"\r\n" }
        return Array((head + "\r\n" + body).utf8)
    }

    static func phrase(_ status: Int) -> String {
        switch status {
        case 400: "Bad Request"
        case 403: "Forbidden"
        case 407: "Proxy Authentication Required"
        case 408: "Request Timeout"
        case 431: "Request Header Fields Too Large"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        default: "Error"
        }
    }
}
