import Foundation
import Logging
import Messages
import Synchronization

/// Who may talk to the guard over CURVE, asked twice: by the ZAP handler when a client connects (`authorize`),
/// and for every message afterwards (`admits`), so that a key revoked while connected is cut off at once and a
/// key admitted for one role is refused on another link (an executor key cannot submit updates).
///
/// Executor keys come from the `peer_keys` table (refreshed by `sync()` about once a second, so that
/// `gatehouse keys accept|revoke` take effect while the guard runs); unknown executor keys that knock are
/// recorded as pending for an admin to accept.
public final class PeerKeyGate: Sendable {
    /// The ZAP domain and identity role of each link.
    static func role(of link: GuardLink) -> String {
        switch link {
        case .intake: "ingress"
        case .work: "executor"
        case .delivery: "egress"
        }
    }

    private struct State {
        var executors: [String: PeerKeyRecord.Status] = [:]
        var knocks: [String: EpochMillis] = [:]
        /// Admitted executor keys heard from since the last sync, for `gatehouse keys list`'s "last seen".
        var seen: [String: EpochMillis] = [:]
        /// Keys whose "last seen" is stored; the others are written on the next sync, these every 30 s.
        var seenStored: Set<String> = []
        var seenStoredAt: EpochMillis = 0
    }

    private let security: GuardLinkSecurity
    private let store: any PeerKeyStore
    private let curveLinks: Set<GuardLink>
    private let logger: Logger
    private let state = Mutex(State())

    /// - Parameter curveLinks: the links that use CURVE; the others are plaintext (`ipc://`) and carry no identity.
    public init(security: GuardLinkSecurity, store: any PeerKeyStore, curveLinks: Set<GuardLink>, logger: Logger) throws {
        self.security = security
        self.store = store
        self.curveLinks = curveLinks
        self.logger = logger
        let now = Date().epochMillis
        let known = Dictionary(try store.all().map { ($0.publicKey, $0.status) }, uniquingKeysWith: { _, last in last })
        for key in security.executorKeys where known[key] != .accepted && known[key] != .revoked {
            try store.setStatus(.accepted, for: key, at: now)
        }
        try sync()
    }

    /// The ZAP decision: the identity to admit `publicKey` with on `domain` (a link name), or nil.
    /// Runs on the ZAP thread: memory only.
    public func authorize(domain: String, publicKey: String) -> String? {
        guard let link = GuardLink(rawValue: domain), curveLinks.contains(link) else { return nil }
        guard isAllowed(publicKey, on: link, noteKnock: true) else { return nil }
        return Self.role(of: link) + ":" + publicKey
    }

    /// Whether a message that arrived on `link` with ZAP identity `userId` may be handled.
    public func admits(link: GuardLink, userId: String?) -> Bool {
        guard curveLinks.contains(link) else { return userId == nil }
        guard let userId, let colon = userId.firstIndex(of: ":") else { return false }
        let role = userId[..<colon]
        let key = String(userId[userId.index(after: colon)...])
        return role == Self.role(of: link) && isAllowed(key, on: link, noteKnock: false)
    }

    /// Stores the keys that knocked since the last call and reloads executor keys from the store.
    public func sync() throws {
        let now = Date().epochMillis
        let (knocks, seen) = state.withLock { state -> ([String: EpochMillis], [String: EpochMillis]) in
            defer { state.knocks = [:] }
            let due = now - state.seenStoredAt >= 30_000 || state.seen.keys.contains { !state.seenStored.contains($0) }
            guard due else { return (state.knocks, [:]) }
            defer {
                state.seenStored.formUnion(state.seen.keys)
                state.seenStoredAt = now
                state.seen = [:]
            }
            return (state.knocks, state.seen)
        }
        if !knocks.isEmpty || !seen.isEmpty {
            try store.noteKnocks(knocks.merging(seen) { knocked, _ in knocked })
            for key in knocks.keys {
                logger.warning("an unknown executor key asked to connect; refused until an admin accepts it (gatehouse keys accept FINGERPRINT)", metadata: [
                    "key.fingerprint": "\(PeerKeyRecord.fingerprint(of: key))",
                ])
            }
        }
        let records = try store.all()
        state.withLock { state in
            state.executors = Dictionary(records.map { ($0.publicKey, $0.status) }, uniquingKeysWith: { _, last in last })
        }
    }

    private func isAllowed(_ key: String, on link: GuardLink, noteKnock: Bool) -> Bool {
        switch link {
        case .intake: return security.ingressKeys.contains(key)
        case .delivery: return security.egressKeys.contains(key)
        case .work:
            return state.withLock { state in
                let status = state.executors[key]
                if status == .accepted {
                    state.seen[key] = Date().epochMillis
                    return true
                }
                if noteKnock && status != .revoked && state.knocks.count < 1_000 {
                    state.knocks[key] = Date().epochMillis
                }
                return false
            }
        }
    }
}

extension PeerKeyGate {
    /// An identity for a log line: role and key prefix, never the whole key.
    package static func describe(_ userId: String?) -> String {
        guard let userId else { return "plaintext" }
        guard let colon = userId.firstIndex(of: ":") else { return "unknown" }
        return userId[..<colon] + ":" + userId[userId.index(after: colon)...].prefix(8)
    }
}
