import Messages
import Transport

/// An executor's CURVE public key as the guard knows it. Keys that knock without being known are recorded as
/// `pending` and refused until an admin accepts them; a revoked key stays revoked (it never turns pending again).
public struct PeerKeyRecord: Sendable, Equatable, Codable {
    public enum Status: String, Sendable, Codable, CaseIterable {
        case pending, accepted, revoked
    }

    /// Z85, 40 characters.
    public var publicKey: String
    public var status: Status
    public var firstSeenAt: EpochMillis
    public var lastSeenAt: EpochMillis?
    public var updatedAt: EpochMillis

    /// The key's bytes in hex, first 16 digits: what operators type (`gatehouse keys accept 3fa9c0d1`).
    public var fingerprint: String { PeerKeyRecord.fingerprint(of: publicKey) }

    public static func fingerprint(of publicKey: String) -> String {
        CurveKeyPair.hexFingerprint(publicKey).map { String($0.prefix(16)) } ?? "invalid"
    }

    public init(publicKey: String, status: Status, firstSeenAt: EpochMillis, lastSeenAt: EpochMillis? = nil, updatedAt: EpochMillis) {
        self.publicKey = publicKey
        self.status = status
        self.firstSeenAt = firstSeenAt
        self.lastSeenAt = lastSeenAt
        self.updatedAt = updatedAt
    }
}
