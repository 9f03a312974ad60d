import Foundation

/// What to send. The URL may carry secrets (a bot token): it is never put in an error or a log line.
public struct HTTPRequest: Sendable {
    public enum Method: String, Sendable {
        case get = "GET"
        case post = "POST"
    }

    public enum Body: Sendable {
        case data(Data, contentType: String)
        case multipart([MultipartPart])
    }

    public var method: Method
    public var url: String
    public var headers: [HTTPHeader]
    public var body: Body?
    /// Limit for the whole transfer, connection included.
    public var timeout: Duration
    /// Limit for establishing the connection (TCP and TLS).
    public var connectTimeout: Duration
    /// A tighter bound than the client's `maxResponseBytes` for this response's body (a file download): the transfer
    /// aborts with `.tooLarge` as soon as more arrives, so nothing past it is buffered.
    public var maxResponseBytes: Int?

    public init(
        method: Method = .get, url: String, headers: [HTTPHeader] = [], body: Body? = nil,
        timeout: Duration = .seconds(30), connectTimeout: Duration = .seconds(10), maxResponseBytes: Int? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.connectTimeout = connectTimeout
        self.maxResponseBytes = maxResponseBytes
    }
}

extension HTTPRequest {
    /// Rejects what libcurl would send verbatim and a peer could misread (header injection) or what makes no sense.
    func validate() throws(HTTPError) {
        let lowercasedURL = url.lowercased()
        guard lowercasedURL.hasPrefix("http://") || lowercasedURL.hasPrefix("https://") else {
            throw HTTPError(code: .invalidRequest, message: "\(method.rawValue) request: the URL must use http or https")
        }
        guard !url.contains(where: { $0.isNewline || $0 == "\0" || $0 == " " }) else {
            throw HTTPError(code: .invalidRequest, message: "\(method.rawValue) request: the URL contains whitespace or control characters")
        }
        for header in headers {
            let badName = header.name.isEmpty
                || header.name.contains(where: { $0 == ":" || $0.isWhitespace || $0 == "\0" })
            let badValue = header.value.contains(where: { $0.isNewline || $0 == "\0" })
            guard !badName, !badValue else {
                throw HTTPError(code: .invalidRequest, message: "\(method.rawValue) request: a header name or value is malformed")
            }
        }
        if method == .get, body != nil {
            throw HTTPError(code: .invalidRequest, message: "GET request: a GET cannot carry a body")
        }
        if case .multipart(let parts)? = body {
            for part in parts {
                let fields = [part.name, part.filename ?? "", part.contentType ?? ""]
                guard !part.name.isEmpty, !fields.contains(where: { $0.contains(where: { $0.isNewline || $0 == "\0" }) }) else {
                    throw HTTPError(code: .invalidRequest, message: "\(method.rawValue) request: a multipart part name, filename or type is malformed")
                }
            }
        }
    }
}
