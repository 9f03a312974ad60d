import Logging
import NIOCore
import NIOHTTP1
import NIOPosix

/// `GET /metrics` over HTTP for Prometheus (and `GET /healthz`); anything else is a 404. It answers with what
/// `exposition` returns at the moment of the scrape. Serves until its task is cancelled.
public struct MetricsEndpoint: Sendable {
    public let port: Int
    private let server: NIOAsyncChannel<NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>, Never>
    private let exposition: @Sendable () async -> String
    private let logger: Logger

    /// Binds `host:port` (port 0: any free one, see `port`).
    public static func bind(
        host: String, port: Int, logger: Logger, exposition: @escaping @Sendable () async -> String
    ) async throws -> MetricsEndpoint {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 64)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    return try NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>(wrappingChannelSynchronously: channel)
                }
            }
        let bound = server.channel.localAddress?.port ?? port
        logger.info("metrics endpoint listening", metadata: ["metrics.address": "\(host):\(bound)"])
        return MetricsEndpoint(port: bound, server: server, exposition: exposition, logger: logger)
    }

    public func run() async throws {
        let exposition = exposition
        let logger = logger
        try await withThrowingDiscardingTaskGroup { group in
            try await server.executeThenClose { connections in
                for try await connection in connections {
                    group.addTask {
                        do {
                            try await Self.serve(connection, exposition: exposition)
                        } catch {
                            logger.debug("metrics connection ended", metadata: ["error": "\(error)"])
                        }
                    }
                }
            }
        }
    }

    private static func serve(
        _ connection: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>,
        exposition: @Sendable () async -> String
    ) async throws {
        try await connection.executeThenClose { inbound, outbound in
            var request: HTTPRequestHead?
            for try await part in inbound {
                switch part {
                case .head(let head): request = head
                case .body: continue
                case .end:
                    guard let head = request else { continue }
                    let path = head.uri.split(separator: "?").first.map(String.init) ?? head.uri
                    let (status, body): (HTTPResponseStatus, String) = switch (head.method, path) {
                    case (.GET, "/metrics"): (.ok, await exposition())
                    case (.GET, "/healthz"): (.ok, "ok\n")
                    default: (.notFound, "not found: GET /metrics or /healthz\n")
                    }
                    var headers = HTTPHeaders()
                    headers.add(name: "Content-Type", value: path == "/metrics" ? "text/plain; version=0.0.4; charset=utf-8" : "text/plain")
                    headers.add(name: "Content-Length", value: "\(body.utf8.count)")
                    try await outbound.write(.head(HTTPResponseHead(version: head.version, status: status, headers: headers)))
                    try await outbound.write(.body(.byteBuffer(ByteBuffer(string: body))))
                    try await outbound.write(.end(nil))
                    request = nil
                }
            }
        }
    }
}
