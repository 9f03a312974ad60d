import AccessControl
import Foundation
import Ledger
import Messages

/// What a command needs to know about who sent it and where to answer.
struct CommandRequest {
    var userId: Int64
    var chatId: Int64
    var messageId: Int64?
    var standing: Standing
}

/// `/auth <token>`: a token an admin issued proves who someone is. Only keyed hashes are stored, the comparison is
/// constant-time, repeated failures lock the person out for a while, and the message holding the token is deleted
/// from the chat whatever the outcome.
extension GuardCore {
    func authenticate(_ presented: String, _ request: CommandRequest, changes: inout LedgerChanges, now: EpochMillis) {
        let userId = request.userId
        if let messageId = request.messageId {
            changes.outbox.append(deletion(of: messageId, chatId: request.chatId, now: now))
        }
        func answer(_ text: String, _ event: AuditEventName, _ detail: String) {
            // Not a reply to the message: it is being deleted.
            changes.outbox.append(reply(text, chatId: request.chatId, threadId: nil, replyTo: nil, now: now))
            changes.audit.append(AuditEvent(at: now, userId: userId, event: event, detail: detail))
        }
        guard let tokens else {
            return answer(ReplyTexts.tokenAuthOff, .authRefused, "token authentication is off")
        }
        if request.standing.mayUseBot && request.standing != .authenticated {
            return answer(ReplyTexts.authAlready, .authUnneeded, "already has access")
        }
        let lockout = try? ledger.lockout(userId: userId)
        if let until = lockout?.lockedUntil, until > now {
            return answer(ReplyTexts.lockedOut(until: until), .authLocked, "attempt while locked out")
        }
        guard !presented.isEmpty else {
            return answer(ReplyTexts.authUsage, .commandInvalid, "/auth without a token")
        }
        let tokenId = AccessTokenIssuer.tokenId(of: presented)
        let record = tokenId.flatMap { try? ledger.token(id: $0) }
        let failure: String? =
            if let record {
                if !tokens.matches(presented: presented, hash: record.hash) { "wrong token" }
                else if record.userId != userId { "token issued to another user" }
                else if record.revokedAt != nil { "revoked token \(record.id)" }
                else if record.expiresAt <= now { "expired token \(record.id)" }
                else { nil }
            } else {
                tokenId == nil ? "malformed token" : "unknown token"
            }
        if let failure {
            let (lockoutRecord, lockedUntil) = failedAttempt(failure, request, lockout: lockout, now: now)
            changes.lockouts.append(lockoutRecord)
            if let lockedUntil {
                return answer(ReplyTexts.lockedOut(until: lockedUntil), .authFailure, "\(failure); locked out until \(lockedUntil)")
            }
            return answer(ReplyTexts.authFailed, .authFailure, failure)
        }
        guard var token = record else { return }
        token.lastUsedAt = now
        changes.tokens.append(token)
        changes.authSessions.append(AuthSessionRecord(userId: userId, tokenId: token.id, startedAt: now, lastSeenAt: now))
        changes.lockouts.append(LockoutRecord(userId: userId, failures: [], lockedUntil: nil))
        logger.info("signed in with a token", metadata: ["user.id": "\(userId)", "token.id": "\(token.id)"])
        answer(ReplyTexts.authSucceeded, .authSuccess, "token \(token.id)")
    }

    /// Remembers a failed attempt; returns the person's lockout state, locked when the failures come too close.
    private func failedAttempt(
        _ failure: String, _ request: CommandRequest, lockout: LockoutRecord?, now: EpochMillis
    ) -> (LockoutRecord, lockedUntil: EpochMillis?) {
        let policy = configuration.access.lockout
        let failures = (lockout?.failureTimes ?? []).filter { $0 >= policy.oldestRelevantFailure(now: now) } + [now]
        let lockedUntil = policy.lockedUntil(failureTimes: failures, now: now)
        logger.warning("token sign-in failed", metadata: [
            "user.id": "\(request.userId)", "reason": "\(failure)", "failures": "\(failures.count)",
        ])
        return (LockoutRecord(userId: request.userId, failures: failures, lockedUntil: lockedUntil), lockedUntil)
    }

    /// About once a minute: signed-in sessions idle past the timeout end.
    func housekeeping(now: EpochMillis) throws -> [Outbound] {
        guard now - lastHousekeeping >= 60_000 else { return [] }
        lastHousekeeping = now
        let idle = try ledger.idleAuthSessions(before: now - configuration.access.sessionTimeoutMs)
        guard !idle.isEmpty else { return [] }
        var changes = LedgerChanges()
        for session in idle {
            changes.endedAuthSessions.append(session.userId)
            changes.audit.append(AuditEvent(
                at: now, userId: session.userId, event: .authSessionExpired, detail: "token \(session.tokenId)"))
        }
        try ledger.apply(changes)
        logger.info("idle sign-in sessions ended", metadata: ["count": "\(idle.count)"])
        return []
    }
}
