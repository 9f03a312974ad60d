import Foundation
import Ledger
import Messages

/// Admins manage people from the chat: `/users`, `/allow`, `/block`, `/unblock` (the same records
/// `gatehouse users` changes from the command line).
extension GuardCore {
    func listPeople(_ request: CommandRequest, changes: inout LedgerChanges, now: EpochMillis) throws {
        var lines = ["People and their access:"]
        func ids(_ set: Set<Int64>) -> String { set.isEmpty ? "none" : set.sorted().map(String.init).joined(separator: ", ") }
        lines.append("Admins (ADMIN_USERS): \(ids(configuration.adminUsers))")
        lines.append("Allowed (ALLOWED_USERS): \(ids(configuration.allowedUsers))")
        let members = try ledger.members()
        if !members.isEmpty {
            lines.append("Changed at run time:")
            for member in members {
                var line = "• \(member.userId): \(PeopleText.describe(member, now: now))"
                if let by = member.changedBy { line += ", by \(by)" }
                lines.append(line + ", \(ReplyTexts.clock(member.changedAt))")
            }
        }
        if tokens != nil {
            let sessions = try ledger.idleAuthSessions(before: .max)
                .filter { now - $0.lastSeenAt < configuration.access.sessionTimeoutMs }
            lines.append("Signed in with a token: " + (sessions.isEmpty ? "none" : sessions.map {
                "\($0.userId) (last seen \(ReplyTexts.clock($0.lastSeenAt)))"
            }.joined(separator: ", ")))
        }
        changes.outbox.append(reply(lines.joined(separator: "\n"), chatId: request.chatId, threadId: nil, replyTo: request.messageId, now: now))
        changes.audit.append(AuditEvent(at: now, userId: request.userId, event: .command, detail: "/users"))
    }

    /// `role` nil is `/unblock`: back to what the configuration says, temporary block lifted.
    func change(_ target: Int64, to role: MemberRecord.Role?, _ request: CommandRequest, changes: inout LedgerChanges, now: EpochMillis) throws {
        let name = role.map { $0 == .blocked ? "/block" : "/allow" } ?? "/unblock"
        // The entry is about the target: sealed with their key, so erasing them unlinks the admin's action too.
        func answer(_ text: String, _ event: AuditEventName, _ detail: String) {
            changes.outbox.append(reply(text, chatId: request.chatId, threadId: nil, replyTo: request.messageId, now: now))
            changes.audit.append(AuditEvent(at: now, userId: request.userId, event: event, detail: detail, about: target))
        }
        if role == .blocked && configuration.adminUsers.contains(target) {
            return answer(PeopleText.cannotBlockConfiguredAdmin, .commandRefused, "\(name) \(target): configured admin")
        }
        if role == .blocked && target == request.userId {
            return answer(PeopleText.cannotBlockYourself, .commandRefused, "\(name) \(target): self")
        }
        var member = try ledger.member(userId: target) ?? MemberRecord(userId: target, role: nil, changedAt: now)
        member.role = role
        member.suspendedUntil = nil
        member.changedBy = request.userId
        member.changedAt = now
        member.reason = name
        changes.members.append(member)
        if role == .blocked { changes.endedAuthSessions.append(target) } else { anomalies.forget(userId: target) }
        let after = Standing.of(target, member: member, session: nil, inputs: standingInputs, now: now)
        logger.info("access changed", metadata: ["user.id": "\(target)", "by": "\(request.userId)", "command": "\(name)"])
        answer(PeopleText.changed(target, after), role.map { $0 == .blocked ? .adminBlock : .adminAllow } ?? .adminUnblock, "user \(target)")
    }

    /// Admins from the configuration and those made admin at run time.
    func adminIds() throws -> [Int64] {
        let granted = try ledger.members().filter { $0.role == .admin }.map(\.userId)
        return Array(configuration.adminUsers.union(granted)).sorted()
    }

    /// The same notice to every admin, in their private chats.
    func tellAdmins(_ text: String, changes: inout LedgerChanges, now: EpochMillis) throws {
        for admin in try adminIds() { changes.outbox.append(reply(text, chatId: admin, threadId: nil, replyTo: nil, now: now)) }
    }
}

/// The wording of `/users` and its siblings.
enum PeopleText {
    static let cannotBlockConfiguredAdmin = "Admins named in ADMIN_USERS cannot be blocked from the chat; change the configuration instead."
    static let cannotBlockYourself = "You cannot block yourself."

    static func describe(_ member: MemberRecord, now: EpochMillis) -> String {
        var text = member.role.map { role in
            switch role {
            case .admin: "admin"
            case .user: "allowed"
            case .blocked: "blocked"
            }
        } ?? "as configured"
        if let until = member.suspendedUntil, until > now {
            text += "; temporarily blocked until \(ReplyTexts.clock(until))"
            if let reason = member.reason { text += " (\(reason))" }
        }
        return text
    }

    static func changed(_ userId: Int64, _ standing: Standing) -> String {
        switch standing {
        case .admin: "User \(userId) is an admin."
        case .user: "User \(userId) may now use the bot."
        case .authenticated: "User \(userId) may use the bot (signed in with a token)."
        case .stranger: "User \(userId) is unblocked; they are not on the allowlist, so use /allow \(userId) to let them in."
        case .blocked: "User \(userId) is blocked. They get one refusal and nothing else."
        case .suspended: "User \(userId) is temporarily blocked."
        }
    }
}
