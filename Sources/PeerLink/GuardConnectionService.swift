import ServiceLifecycle

/// The guard connection as a piece of its program's service group. It goes first, so it stops last: whatever
/// sends over it or reads from it has finished by the time its turn in the shutdown closes the socket.
/// (`GuardConnection.run()` itself ends only on cancellation, for programs that drain over it on their own.)
public struct GuardConnectionService: Service, CustomStringConvertible {
    public var description: String { "guard connection" }
    private let connection: GuardConnection

    public init(_ connection: GuardConnection) {
        self.connection = connection
    }

    public func run() async {
        await cancelWhenGracefulShutdown { await connection.run() }
    }
}
