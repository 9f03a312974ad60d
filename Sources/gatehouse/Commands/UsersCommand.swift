import ArgumentParser
import Guard
import Ledger
import Messages

/// `gatehouse users`: who may use the bot, changed from the command line (the chat has `/allow`, `/block`, ...).
struct UsersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users", abstract: "List people, or allow, block, unblock one, or make one an admin.",
        subcommands: [List.self, Allow.self, Block.self, Unblock.self, Admin.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "People changed at run time, and signed-in sessions.")
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            let ledger = try database.open()
            let now = OperatorClock.now()
            let members = try ledger.members()
            print("Set by the configuration: ALLOWED_USERS and ADMIN_USERS (not shown here).")
            if members.isEmpty { print("No one changed at run time.") }
            for member in members {
                var line = "\(member.userId)\t\(member.role?.rawValue ?? "as-configured")"
                if let until = member.suspendedUntil, until > now { line += "\tsuspended until \(OperatorClock.format(until))" }
                line += "\tchanged \(OperatorClock.format(member.changedAt))"
                if let by = member.changedBy { line += " by \(by)" }
                if let reason = member.reason { line += " (\(reason))" }
                print(line)
            }
            for session in try ledger.idleAuthSessions(before: .max) {
                print("\(session.userId)\tsigned in with token \(session.tokenId), last seen \(OperatorClock.format(session.lastSeenAt))")
            }
        }
    }

    struct Allow: AccessChange {
        static let configuration = CommandConfiguration(abstract: "Let someone use the bot.")
        static let role: MemberRecord.Role? = .user
        static let auditEvent = AuditEventName.adminAllow
        @Argument(help: "The Telegram user id.") var userId: Int64
        @OptionGroup var database: DatabaseOptions
    }

    struct Block: AccessChange {
        static let configuration = CommandConfiguration(abstract: "Block someone: one refusal, nothing else.")
        static let role: MemberRecord.Role? = .blocked
        static let auditEvent = AuditEventName.adminBlock
        @Argument(help: "The Telegram user id.") var userId: Int64
        @OptionGroup var database: DatabaseOptions
    }

    struct Unblock: AccessChange {
        static let configuration = CommandConfiguration(abstract: "Back to what the configuration says; lifts a temporary block.")
        static let role: MemberRecord.Role? = nil
        static let auditEvent = AuditEventName.adminUnblock
        @Argument(help: "The Telegram user id.") var userId: Int64
        @OptionGroup var database: DatabaseOptions
    }

    struct Admin: AccessChange {
        static let configuration = CommandConfiguration(abstract: "Make someone an admin.")
        static let role: MemberRecord.Role? = .admin
        static let auditEvent = AuditEventName.adminAdmin
        @Argument(help: "The Telegram user id.") var userId: Int64
        @OptionGroup var database: DatabaseOptions
    }
}

/// One change of someone's access from the command line; each subcommand names the role it sets.
protocol AccessChange: ParsableCommand {
    static var role: MemberRecord.Role? { get }
    /// What the audit log calls it (`admin.<subcommand>`).
    static var auditEvent: AuditEventName { get }
    var userId: Int64 { get }
    var database: DatabaseOptions { get }
}

extension AccessChange {
    func validate() throws {
        guard userId > 0 else { throw ValidationError("user ids are positive numbers") }
    }

    func run() throws {
        let ledger = try database.open()
        let now = OperatorClock.now()
        let name = Self._commandName
        var member = try ledger.member(userId: userId) ?? MemberRecord(userId: userId, role: nil, changedAt: now)
        member.role = Self.role
        member.suspendedUntil = nil
        member.changedBy = nil
        member.changedAt = now
        member.reason = "gatehouse users \(name)"
        var changes = LedgerChanges(audit: [AuditEvent(at: now, userId: userId, event: Self.auditEvent, detail: "from the command line")])
        changes.members = [member]
        if Self.role == .blocked { changes.endedAuthSessions = [userId] }
        try ledger.apply(changes)
        print("\(userId): \(member.role?.rawValue ?? "as configured")")
    }
}
