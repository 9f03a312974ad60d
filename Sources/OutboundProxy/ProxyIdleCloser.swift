import NIOCore

/// Closes its channel when the `IdleStateHandler` before it reports no traffic for the idle timeout.
final class ProxyIdleCloser: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    /// The two handlers every proxied connection carries, client and upstream side alike.
    static func add(to channel: Channel, idleTimeout: Duration) throws {
        try channel.pipeline.syncOperations.addHandlers([
            IdleStateHandler(allTimeout: TimeAmount(idleTimeout)), ProxyIdleCloser(),
        ])
    }
}
