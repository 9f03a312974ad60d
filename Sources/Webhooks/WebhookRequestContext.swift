import Hummingbird
import NIOCore

/// Hummingbird's per-request context, plus the connection: its peer address keys the rate limit, and a body that
/// arrives too slowly is cut off by closing the connection's input.
struct WebhookRequestContext: RequestContext, RemoteAddressRequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }

    var remoteAddress: SocketAddress? { channel.remoteAddress }

    /// The sender's IP address (no port): what the rate limit counts by.
    var senderAddress: String { remoteAddress?.ipAddress ?? "unknown" }
}
