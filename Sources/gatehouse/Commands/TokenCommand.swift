import AccessControl
import ArgumentParser
import Foundation
import Guard
import Ledger
import Settings

/// `gatehouse token issue|list|revoke`: tokens for `/auth` (with `ENABLE_TOKEN_AUTH=true`). A token is printed once,
/// at issue; the database keeps only its keyed hash under `AUTH_TOKEN_SECRET`.
struct TokenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token", abstract: "Issue, list or revoke sign-in tokens.", subcommands: [Issue.self, List.self, Revoke.self])

    struct Issue: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Issue a token to one person; it is printed once.")
        @Option(help: "The Telegram user id the token is for (only they can use it).") var user: Int64
        @Option(help: "How long it is valid: 30d, 12h, 90m.") var ttl: String = "30d"
        @OptionGroup var database: DatabaseOptions

        func validate() throws {
            guard user > 0 else { throw ValidationError("--user must be a Telegram user id") }
            guard OperatorClock.duration(ttl) != nil else { throw ValidationError("--ttl must look like 30d, 12h or 90m") }
        }

        func run() throws {
            let reader = EnvironmentReader()
            let secret = reader.secret("AUTH_TOKEN_SECRET", required: true, hint: "the guard's secret for hashing tokens")
            try reader.finish()
            guard let secret else { throw ExitCode(2) }
            let issuer = try AccessTokenIssuer(secret: Array(secret.reveal().utf8))
            let ledger = try database.open()
            // A token hashed under another secret than the guard's would never work: refuse rather than hand it out.
            switch try ledger.keyringValue(SQLiteLedger.tokenSecretFingerprint) {
            case issuer.secretFingerprint?:
                break
            case nil:
                FileHandle.standardError.write(Data(
                    "note: the guard has not recorded its AUTH_TOKEN_SECRET yet (start it with ENABLE_TOKEN_AUTH=true); this token works only if the secrets are the same\n".utf8))
            case .some:
                FileHandle.standardError.write(Data("""
                    gatehouse token issue: AUTH_TOKEN_SECRET is not the guard's: a token issued with it would never work. \
                    Run this with the same AUTH_TOKEN_SECRET (or AUTH_TOKEN_SECRET_FILE) as the guard.

                    """.utf8))
                throw ExitCode(1)
            }
            let now = OperatorClock.now()
            var issued = issuer.issue(userId: user, now: now, ttlSeconds: (OperatorClock.duration(ttl) ?? 0) / 1000)
            // Ids are 4 random bytes: on the rare clash, issue again rather than overwrite another token.
            while try ledger.token(id: issued.id) != nil {
                issued = issuer.issue(userId: user, now: now, ttlSeconds: (OperatorClock.duration(ttl) ?? 0) / 1000)
            }
            var changes = LedgerChanges(audit: [AuditEvent(
                at: now, userId: user, event: .adminTokenIssued,
                detail: "token \(issued.id) from the command line, expires \(OperatorClock.format(issued.expiresAt))")])
            changes.tokens = [AccessTokenRecord(
                id: issued.id, userId: user, hash: issued.hash, issuedAt: issued.issuedAt, expiresAt: issued.expiresAt)]
            try ledger.apply(changes)
            print(issued.token)
            FileHandle.standardError.write(Data("""
                token \(issued.id) for user \(user), valid until \(OperatorClock.format(issued.expiresAt)).
                Give it to them privately; they send: /auth <token>   (shown only now; it is stored hashed)

                """.utf8))
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tokens (never their values).")
        @Option(help: "Only this person's tokens.") var user: Int64?
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            let now = OperatorClock.now()
            let tokens = try database.open().tokens(userId: user)
            if tokens.isEmpty { print("No tokens.") }
            for token in tokens {
                let state = token.revokedAt != nil ? "revoked" : token.expiresAt <= now ? "expired" : "valid"
                let used = token.lastUsedAt.map { "last used \(OperatorClock.format($0))" } ?? "never used"
                print("\(token.id)\tuser \(token.userId)\t\(state)\texpires \(OperatorClock.format(token.expiresAt))\t\(used)")
            }
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke one token (--token) or every token of one person (--user); whoever signed in with one is signed out.")
        @Option(help: "The token id, as `token list` shows it.") var token: String?
        @Option(help: "A Telegram user id: all of their tokens.") var user: Int64?
        @Argument(help: ArgumentHelp("A token id (same as --token).", visibility: .hidden)) var id: String?
        @OptionGroup var database: DatabaseOptions

        func validate() throws {
            let given = [token != nil, user != nil, id != nil].filter { $0 }.count
            guard given == 1 else { throw ValidationError("give exactly one of --token TOKEN_ID or --user USER_ID") }
        }

        func run() throws {
            let ledger = try database.open()
            let now = OperatorClock.now()
            let tokens: [AccessTokenRecord]
            if let user {
                tokens = try ledger.tokens(userId: user).filter { $0.revokedAt == nil }
                if tokens.isEmpty { print("user \(user) has no token to revoke") }
            } else {
                let id = token ?? id ?? ""
                guard let found = try ledger.token(id: id) else { throw ValidationError("no token with id \(id.debugDescription)") }
                tokens = [found]
            }
            var changes = LedgerChanges()
            for var token in tokens {
                token.revokedAt = token.revokedAt ?? now
                changes.tokens.append(token)
                changes.audit.append(AuditEvent(
                    at: now, userId: token.userId, event: .adminTokenRevoked, detail: "token \(token.id) from the command line"))
                if try ledger.authSession(userId: token.userId)?.tokenId == token.id { changes.endedAuthSessions.append(token.userId) }
            }
            try ledger.apply(changes)
            for token in tokens { print("revoked \(token.id) (user \(token.userId))") }
        }
    }
}
