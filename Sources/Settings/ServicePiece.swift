import ServiceLifecycle

/// A long-running piece of a program that is one loop, named for the logs: not worth a type of its own.
public struct ServicePiece: Service, CustomStringConvertible {
    public let description: String
    private let body: @Sendable () async throws -> Void

    public init(_ name: String, _ body: @escaping @Sendable () async throws -> Void) {
        description = name
        self.body = body
    }

    /// A piece whose loop knows nothing of graceful shutdown (it reads a stream, or runs until cancelled): its
    /// turn in the shutdown cancels it, and the cancellation that causes is its normal end, not a failure.
    public static func untilShutdown(_ name: String, _ body: @escaping @Sendable () async throws -> Void) -> ServicePiece {
        ServicePiece(name) {
            do {
                try await cancelWhenGracefulShutdown(body)
            } catch where error is CancellationError && Task.isShuttingDownGracefully {}
        }
    }

    public func run() async throws { try await body() }
}
