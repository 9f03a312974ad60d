import Foundation

/// A message received by a ROUTER.
public struct RoutedMessage: Sendable {
    public let peer: PeerID
    /// The message frames; the routing-id frame is already stripped.
    public let frames: [Data]
    /// The ZAP User-Id of the authenticated CURVE client; nil without CURVE.
    public let userId: String?

    public init(peer: PeerID, frames: [Data], userId: String?) {
        self.peer = peer
        self.frames = frames
        self.userId = userId
    }
}
