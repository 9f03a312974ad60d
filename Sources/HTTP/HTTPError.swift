/// A transfer that did not produce a response. `message` names the method and curl's error text, never the URL.
public struct HTTPError: Error, CustomStringConvertible, Equatable {
    /// Opaque, stable category of failure.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// The whole-transfer or connect timeout elapsed.
        public static let timedOut = Code("timedOut")
        /// The host could not be resolved or refused/failed the connection.
        public static let couldNotConnect = Code("couldNotConnect")
        /// The calling task was cancelled.
        public static let cancelled = Code("cancelled")
        /// The response body exceeded the client's `maxResponseBytes`.
        public static let tooLarge = Code("tooLarge")
        /// The request was malformed (URL scheme, header, body) and was not sent.
        public static let invalidRequest = Code("invalidRequest")
        /// Any other failure on the wire (TLS, reset connection, bad response…).
        public static let transport = Code("transport")
        /// The client was shut down before or during the transfer.
        public static let shutDown = Code("shutDown")
    }

    public let code: Code
    public let message: String

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "HTTPError(\(code)): \(message)" }
}
