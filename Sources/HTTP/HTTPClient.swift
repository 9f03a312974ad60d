import Logging
import Synchronization

/// An async HTTP client over libcurl. One dedicated thread drives all transfers (curl multi interface), so many
/// concurrent requests — including long polls that block for most of a minute — cost no cooperative-pool threads.
public final class HTTPClient: Sendable {
    public struct Configuration: Sendable {
        /// A response body larger than this aborts the transfer with `.tooLarge`.
        public var maxResponseBytes: Int = 64 << 20
        public var userAgent: String = "Gatehouse"
        /// Upper bound on simultaneous connections to one host (HTTP/2 multiplexes streams over fewer).
        public var maxConnectionsPerHost: Int = 32
        public init() {}
    }

    public let configuration: Configuration
    private let engine: CurlEngine
    private let nextTransferID = Atomic<UInt64>(1)

    public init(configuration: Configuration = .init(), logger: Logger) {
        self.configuration = configuration
        self.engine = CurlEngine(configuration: configuration, logger: logger)
    }

    deinit {
        // Without this the curl thread would outlive its last user.
        engine.requestShutdown()
    }

    /// Performs one request. Any HTTP status is returned; only failures to get a response throw.
    /// Cancelling the calling task aborts the transfer and throws `.cancelled`.
    public func execute(_ request: HTTPRequest) async throws(HTTPError) -> HTTPResponse {
        try request.validate()
        if Task.isCancelled {
            throw HTTPError(code: .cancelled, message: "\(request.method.rawValue) request cancelled")
        }
        let id = nextTransferID.wrappingAdd(1, ordering: .relaxed).oldValue
        let ticket = CancellationTicket()
        // Both closures capture `self`, which keeps the client (and so its curl thread) alive until the call ends.
        let result: Result<HTTPResponse, HTTPError> = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                self.engine.submit(PendingTransfer(id: id, request: request, ticket: ticket, continuation: continuation))
            }
        } onCancel: {
            // The flag covers a cancel that lands before the curl thread has picked the transfer up.
            ticket.cancel()
            self.engine.cancel(transferID: id)
        }
        return try result.get()
    }

    /// Aborts in-flight transfers with `.shutDown`, stops the curl thread and waits for it to finish.
    /// Later `execute` calls throw `.shutDown`. Safe to call more than once.
    public func shutdown() async {
        await engine.shutdown()
    }
}
