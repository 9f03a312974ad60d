import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization
import ToolPolicy

/// The executor's outbound HTTP proxy: every connection a CLI, or a tool it runs, makes through it is screened at
/// connect time (see `ProxyScreen`) and refused with a 403 and a short reason when it would reach this machine, a
/// private network or a metadata service. Listens on loopback; `port` is known once `bind` returns.
///
/// It keeps serving through a graceful shutdown (running jobs still need the network while the executor drains)
/// and stops when its task is cancelled.
public final class OutboundProxy: Service, Sendable {
    public let port: Int
    public let credentials: ProxyJobCredentials
    private let server: NIOAsyncChannel<NIOAsyncChannel<ByteBuffer, ByteBuffer>, Never>
    private let connection: ProxyConnection
    private let configuration: OutboundProxyConfiguration
    private let active = Atomic<Int>(0)
    private let logger: Logger

    private init(
        server: NIOAsyncChannel<NIOAsyncChannel<ByteBuffer, ByteBuffer>, Never>, port: Int,
        connection: ProxyConnection, configuration: OutboundProxyConfiguration, logger: Logger
    ) {
        self.server = server
        self.port = port
        self.connection = connection
        self.credentials = connection.credentials
        self.configuration = configuration
        self.logger = logger
    }

    /// Binds the listening socket (so the port is known before any job starts); `run()` then serves.
    public static func bind(
        configuration: OutboundProxyConfiguration, resolver: any HostResolver = SystemHostResolver(), logger: Logger
    ) async throws -> OutboundProxy {
        let group = MultiThreadedEventLoopGroup.singleton
        let idle = configuration.idleTimeout
        let server = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .bind(host: configuration.host, port: configuration.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try ProxyIdleCloser.add(to: channel, idleTimeout: idle)
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(
                        wrappingChannelSynchronously: channel,
                        configuration: .init(isOutboundHalfClosureEnabled: true))
                }
            }
        guard let port = server.channel.localAddress?.port else {
            try? await server.channel.close()
            throw ProxyRefusal(status: 500, reason: "the proxy's listening socket has no port")
        }
        let connection = ProxyConnection(
            configuration: configuration, screen: ProxyScreen(allowlist: configuration.allowlist), resolver: resolver,
            credentials: ProxyJobCredentials(), group: group, logger: logger)
        logger.info("outbound proxy listening", metadata: [
            "proxy.port": "\(port)", "proxy.allowlist": "\(configuration.allowlist.map(\.description).sorted())",
        ])
        return OutboundProxy(server: server, port: port, connection: connection, configuration: configuration, logger: logger)
    }

    /// The proxy URL for one job's CLI: loopback, this port, the job's credentials.
    public func url(for credential: ProxyJobCredentials.Credential) -> String {
        "http://\(credential.user):\(credential.nonce)@\(configuration.host):\(port)"
    }

    /// Connections open right now.
    public var activeConnections: Int { active.load(ordering: .relaxed) }

    /// Serves until cancelled, then closes the listening socket and every connection.
    public func run() async throws {
        let server = server
        do {
            try await serve(server)
        } catch is CancellationError {
            // Cancelled while waiting for a connection: the way it is meant to stop.
        }
        logger.info("outbound proxy stopped")
    }

    private func serve(_ server: NIOAsyncChannel<NIOAsyncChannel<ByteBuffer, ByteBuffer>, Never>) async throws {
        try await withTaskCancellationHandler {
            try await server.executeThenClose { inbound in
                try await withThrowingDiscardingTaskGroup { group in
                    for try await client in inbound {
                        let count = active.wrappingAdd(1, ordering: .relaxed).newValue
                        group.addTask { [self] in
                            defer { active.wrappingSubtract(1, ordering: .relaxed) }
                            if count > configuration.maxConnections {
                                await connection.refuseBusy(client)
                            } else {
                                await connection.serve(client)
                            }
                        }
                    }
                }
            }
        } onCancel: {
            server.channel.close(promise: nil)
        }
    }
}
