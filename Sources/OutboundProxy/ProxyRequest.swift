/// What a client asks the proxy for: a tunnel (`CONNECT host:port`, for https and anything else over TLS) or one
/// plain-HTTP request in absolute form (`GET http://host/path HTTP/1.1`), forwarded in origin form.
public struct ProxyRequest: Equatable, Sendable {
    public enum Kind: Equatable, Sendable {
        case tunnel
        /// The request target to send upstream: path and query, never the scheme and host.
        case forward(originForm: String)
    }

    public var kind: Kind
    public var endpoint: ProxyEndpoint

    public init(kind: Kind, endpoint: ProxyEndpoint) {
        self.kind = kind
        self.endpoint = endpoint
    }

    public static func interpret(_ head: ProxyRequestHead) throws(ProxyRefusal) -> ProxyRequest {
        if head.method == "CONNECT" {
            guard let endpoint = ProxyEndpoint(authority: head.target) else {
                throw .badRequest("CONNECT needs host:port")
            }
            return ProxyRequest(kind: .tunnel, endpoint: endpoint)
        }
        guard head.method.allSatisfy({ $0.isLetter && $0.isUppercase }) else { throw .badRequest("bad method") }
        let target = head.target
        guard target.lowercased().hasPrefix("http://") else {
            if target.lowercased().hasPrefix("https://") {
                throw .badRequest("https goes through CONNECT, not as a plain request")
            }
            throw .badRequest("a proxy request needs an absolute http:// URL")
        }
        let rest = target.dropFirst("http://".count)
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        guard !authority.contains("@") else { throw .badRequest("credentials in the URL are not forwarded") }
        guard let endpoint = ProxyEndpoint(authority: String(authority), defaultPort: 80) else {
            throw .badRequest("the URL's host cannot be read")
        }
        var originForm = String(rest[authorityEnd...])
        if let fragment = originForm.firstIndex(of: "#") { originForm = String(originForm[..<fragment]) }
        if originForm.isEmpty || originForm.hasPrefix("?") { originForm = "/" + originForm }
        return ProxyRequest(kind: .forward(originForm: originForm), endpoint: endpoint)
    }

    /// Hop-by-hop and proxy-only fields, never passed on.
    static let droppedFields: Set<String> = [
        "proxy-authorization", "proxy-connection", "connection", "keep-alive", "te", "trailer", "upgrade",
    ]

    /// The head sent upstream for a forwarded request: origin-form request line, the client's fields minus the
    /// proxy's and hop-by-hop ones, a Host field if the client gave none, and `Connection: close` (one request per
    /// upstream connection, so a second request on the client's connection cannot ride on this one's screening
    /// to another host).
    public func forwardedHead(from head: ProxyRequestHead) -> [UInt8] {
        guard case .forward(let originForm) = kind else { return [] }
        var text = "\(head.method) \(originForm) \(head.version)\r\n"
        if head.value(of: "host") == nil { text += "Host: \(endpoint.port == 80 ? hostForField : endpoint.description)\r\n" }
        for field in head.fields where !Self.droppedFields.contains(field.name.lowercased()) {
            text += "\(field.name): \(field.value)\r\n"
        }
        text += "Connection: close\r\n\r\n"
        return Array(text.utf8)
    }

    private var hostForField: String { endpoint.host.contains(":") ? "[\(endpoint.host)]" : endpoint.host }
}
