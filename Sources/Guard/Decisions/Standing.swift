import Ledger
import Messages
/// Who someone is to the guard at this moment, from the configuration and the ledger. Pure: `GuardCore` reads the
/// records, this decides.
public enum Standing: Sendable, Equatable {
    /// `ADMIN_USERS`, or made admin at run time: everything a user may do, and managing people.
    case admin
    /// On the allowlist, or allowed at run time.
    case user
    /// Proved a token (`/auth`) and has not been idle past the session timeout.
    case authenticated
    /// Unknown. May only `/auth` when token authentication is on.
    case stranger
    /// Blocked by an admin.
    case blocked
    /// Blocked for a while by anomaly detection.
    case suspended(until: EpochMillis)

    public var mayUseBot: Bool {
        switch self {
        case .admin, .user, .authenticated: true
        case .stranger, .blocked, .suspended: false
        }
    }

    public var isAdmin: Bool { self == .admin }

    public struct Inputs: Sendable {
        public var allowedUsers: Set<Int64>
        public var adminUsers: Set<Int64>
        public var tokenAuthEnabled: Bool
        public var sessionTimeoutMs: Int64

        public init(allowedUsers: Set<Int64>, adminUsers: Set<Int64>, tokenAuthEnabled: Bool, sessionTimeoutMs: Int64) {
            self.allowedUsers = allowedUsers
            self.adminUsers = adminUsers
            self.tokenAuthEnabled = tokenAuthEnabled
            self.sessionTimeoutMs = sessionTimeoutMs
        }
    }

    /// Admins named in the configuration cannot be locked out from the chat (only by changing the configuration),
    /// so a compromised admin account cannot lock out the others' way back in.
    public static func of(
        _ userId: Int64, member: MemberRecord?, session: AuthSessionRecord?, inputs: Inputs, now: EpochMillis
    ) -> Standing {
        if inputs.adminUsers.contains(userId) { return .admin }
        if member?.role == .blocked { return .blocked }
        if let until = member?.suspendedUntil, until > now { return .suspended(until: until) }
        switch member?.role {
        case .admin: return .admin
        case .user: return .user
        case .blocked, nil: break
        }
        if inputs.allowedUsers.contains(userId) { return .user }
        if inputs.tokenAuthEnabled, let session, now - session.lastSeenAt < inputs.sessionTimeoutMs {
            return .authenticated
        }
        return .stranger
    }
}
