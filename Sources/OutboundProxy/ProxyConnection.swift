import Logging
import NIOCore
import NIOPosix
import ToolPolicy

/// One client connection: read the request head (bounded in size and time), check the job's credentials, screen
/// the target, connect to a checked address, then carry bytes both ways until both sides are done.
struct ProxyConnection: Sendable {
    let configuration: OutboundProxyConfiguration
    let screen: ProxyScreen
    let resolver: any HostResolver
    let credentials: ProxyJobCredentials
    let group: MultiThreadedEventLoopGroup
    let logger: Logger

    typealias Client = NIOAsyncChannel<ByteBuffer, ByteBuffer>

    func refuseBusy(_ client: Client) async {
        logger.warning("outbound proxy: too many connections", metadata: ["proxy.limit": "\(configuration.maxConnections)"])
        try? await client.executeThenClose { _, outbound in
            try await outbound.write(ByteBuffer(bytes: ProxyRefusal(status: 503, reason: "too many connections").response))
        }
    }

    func serve(_ client: Client) async {
        do {
            try await client.executeThenClose { inbound, outbound in
                var iterator = inbound.makeAsyncIterator()
                let channel = client.channel
                let deadline = channel.eventLoop.scheduleTask(in: TimeAmount(configuration.headTimeout)) {
                    channel.close(promise: nil)
                }
                var bytes: [UInt8] = []
                var headEnd: Int?
                do {
                    while headEnd == nil {
                        guard var chunk = try await iterator.next() else { deadline.cancel(); return }
                        let searched = bytes.count
                        bytes += chunk.readBytes(length: chunk.readableBytes) ?? []
                        headEnd = try ProxyRequestHead.end(in: bytes, from: searched, limits: configuration.headLimits)
                    }
                } catch let problem as ProxyRequestHead.Problem {
                    deadline.cancel()
                    try await refuse(.init(status: 431, reason: "the request head is too large"), problem: problem, outbound)
                    return
                }
                deadline.cancel()
                guard let headEnd else { return }
                let head: ProxyRequestHead
                let request: ProxyRequest
                do {
                    head = try ProxyRequestHead.parse(bytes[..<headEnd], limits: configuration.headLimits)
                    request = try ProxyRequest.interpret(head)
                } catch let problem as ProxyRequestHead.Problem {
                    try await refuse(.badRequest("the request cannot be read"), problem: problem, outbound)
                    return
                } catch let refusal as ProxyRefusal {
                    try await refuse(refusal, problem: nil, outbound)
                    return
                }
                var logger = logger
                logger[metadataKey: "proxy.host"] = "\(request.endpoint.host)"
                logger[metadataKey: "proxy.port"] = "\(request.endpoint.port)"
                logger[metadataKey: "proxy.method"] = "\(head.method)"
                let jobId = credentials.jobId(forProxyAuthorization: head.value(of: "proxy-authorization"))
                if let jobId { logger[metadataKey: "job.id"] = "\(jobId)" }
                if jobId == nil && configuration.requireJobCredentials {
                    logger.notice("outbound proxy refused a request without a job's credentials")
                    try await outbound.write(ByteBuffer(bytes: ProxyRefusal(status: 407, reason: "a job's proxy credentials are required").response))
                    return
                }
                let upstream: Client
                switch await addresses(for: request.endpoint) {
                case .failure(let refusal):
                    logger.notice("outbound proxy refused a connection", metadata: ["proxy.reason": "\(refusal.reason)"])
                    try await outbound.write(ByteBuffer(bytes: refusal.response))
                    return
                case .success(let addresses):
                    guard let connected = await connect(to: addresses, port: request.endpoint.port, logger: logger) else {
                        let refusal = ProxyRefusal(status: 502, reason: "\(request.endpoint) did not answer")
                        try await outbound.write(ByteBuffer(bytes: refusal.response))
                        return
                    }
                    upstream = connected
                }
                try await upstream.executeThenClose { upstreamInbound, upstreamOutbound in
                    switch request.kind {
                    case .tunnel:
                        try await outbound.write(ByteBuffer(bytes: Array("HTTP/1.1 200 Connection established\r\n\r\n".utf8)))
                    case .forward:
                        try await upstreamOutbound.write(ByteBuffer(bytes: request.forwardedHead(from: head)))
                    }
                    if headEnd < bytes.count { try await upstreamOutbound.write(ByteBuffer(bytes: bytes[headEnd...])) }
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        group.addTask {
                            for try await chunk in upstreamInbound { try await outbound.write(chunk) }
                            outbound.finish()
                        }
                        while let chunk = try await iterator.next() { try await upstreamOutbound.write(chunk) }
                        upstreamOutbound.finish()
                        try await group.waitForAll()
                    }
                }
            }
        } catch {
            logger.debug("outbound proxy connection ended with an error", metadata: ["error": "\(error)"])
        }
    }

    /// The screened addresses for an endpoint, resolving a name once, or the refusal.
    func addresses(for endpoint: ProxyEndpoint) async -> Result<[NetworkAddress], ProxyRefusal> {
        var step = screen.firstStep(for: endpoint)
        if case .resolve(let host) = step {
            do {
                step = screen.afterResolution(for: endpoint, addresses: try await resolver.addresses(of: host))
            } catch {
                return .failure(.forbidden("\(error)"))
            }
        }
        switch step {
        case .connect(let addresses): return .success(addresses)
        case .refuse(let reason): return .failure(.forbidden(reason))
        case .resolve: return .failure(.forbidden("\(endpoint.host) could not be resolved"))
        }
    }

    /// Connects to the first checked address that answers, at `port`.
    private func connect(to addresses: [NetworkAddress], port: Int, logger: Logger) async -> Client? {
        let idle = configuration.idleTimeout
        for address in addresses {
            do {
                let socketAddress = try SocketAddress(ipAddress: address.description, port: port)
                let upstream = try await ClientBootstrap(group: group)
                    .connectTimeout(TimeAmount(configuration.connectTimeout))
                    .channelOption(.allowRemoteHalfClosure, value: true)
                    .connect(to: socketAddress) { channel in
                        channel.eventLoop.makeCompletedFuture {
                            try ProxyIdleCloser.add(to: channel, idleTimeout: idle)
                            return try Client(
                                wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: true))
                        }
                    }
                logger.debug("outbound proxy connected", metadata: ["proxy.address": "\(address)"])
                return upstream
            } catch {
                logger.info("outbound proxy could not connect", metadata: ["proxy.address": "\(address)", "error": "\(error)"])
            }
        }
        return nil
    }

    private func refuse(_ refusal: ProxyRefusal, problem: ProxyRequestHead.Problem?, _ outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>) async throws {
        logger.notice("outbound proxy refused a request", metadata: [
            "proxy.status": "\(refusal.status)", "proxy.reason": "\(problem.map { "\($0)" } ?? refusal.reason)",
        ])
        try await outbound.write(ByteBuffer(bytes: refusal.response))
    }
}
