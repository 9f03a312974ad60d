import Messages
import Transport

/// Where the guard keeps executor keys and their status (the `peer_keys` table next to the ledger).
public protocol PeerKeyStore: Sendable {
    func all() throws -> [PeerKeyRecord]
    /// Records that these keys knocked: unknown ones become `pending`; known ones only get `lastSeenAt`.
    func noteKnocks(_ keys: [String: EpochMillis]) throws
    /// Sets the status of a key, adding it if unknown.
    func setStatus(_ status: PeerKeyRecord.Status, for publicKey: String, at now: EpochMillis) throws
}

extension PeerKeyStore {
    /// The single key `query` names: a whole key, an unambiguous prefix of at least 6 characters of the key, or of
    /// its hex fingerprint (safe to type in a shell; `gatehouse keys list` shows it).
    public func resolve(_ query: String) throws -> PeerKeyRecord {
        let records = try all()
        if let exact = records.first(where: { $0.publicKey == query }) { return exact }
        guard query.count >= 6 else {
            throw PeerKeyError(code: "peer_keys.short_prefix", message: "give at least 6 characters of the fingerprint or key")
        }
        let hex = query.lowercased()
        let matches = records.filter {
            $0.publicKey.hasPrefix(query) || (CurveKeyPair.hexFingerprint($0.publicKey)?.hasPrefix(hex) ?? false)
        }
        guard matches.count == 1, let match = matches.first else {
            throw PeerKeyError(
                code: matches.isEmpty ? "peer_keys.unknown" : "peer_keys.ambiguous",
                message: matches.isEmpty
                    ? "no key or fingerprint starts with \(query) (`gatehouse keys list` shows them)"
                    : "\(matches.count) keys start with \(query); give more characters")
        }
        return match
    }
}

public struct PeerKeyError: Error, CustomStringConvertible, Sendable {
    public var code: String
    public var message: String
    public var description: String { "\(code): \(message)" }

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }
}
