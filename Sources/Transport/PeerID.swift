import Foundation

/// The ROUTER-side identity of a connected DEALER (its routing id).
public struct PeerID: Hashable, Sendable, CustomStringConvertible {
    public let bytes: Data
    public init(_ bytes: Data) { self.bytes = bytes }

    /// Hex, for logs (routing ids are not secrets).
    public var description: String { bytes.map { String(format: "%02x", $0) }.joined() }
}
