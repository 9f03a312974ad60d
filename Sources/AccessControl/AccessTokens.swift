import Crypto
import Ledger
import Messages

/// A token just issued to a user. `token` is shown to the admin once and never stored; the ledger keeps `id`
/// (to find the row) and `hash` (to check a presented token). Printing the value never shows the token.
public struct IssuedToken: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// The whole secret token, `gh_<id>_<secret>`: hand it over once, then forget it.
    public var token: String
    /// 8 lowercase hex characters; a lookup key, not a secret.
    public var id: String
    public var userId: Int64
    /// Lowercase hex HMAC-SHA256(secret, token).
    public var hash: String
    /// Epoch milliseconds.
    public var issuedAt: EpochMillis
    /// Epoch milliseconds; the token is refused from this instant on.
    public var expiresAt: EpochMillis

    public init(token: String, id: String, userId: Int64, hash: String, issuedAt: EpochMillis, expiresAt: EpochMillis) {
        self.token = token
        self.id = id
        self.userId = userId
        self.hash = hash
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
    }

    public var description: String {
        "IssuedToken(id: \(id), userId: \(userId), issuedAt: \(issuedAt), expiresAt: \(expiresAt), token: <redacted>)"
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror {
        Mirror(self, children: ["id": id, "userId": userId, "issuedAt": issuedAt, "expiresAt": expiresAt])
    }
}

/// Issues access tokens and checks presented ones with HMAC-SHA256 keyed by `AUTH_TOKEN_SECRET`, so a copy of
/// the database alone cannot be used to guess or replay tokens. Also derives stable pseudonyms for audit entries.
public struct AccessTokenIssuer: Sendable, CustomStringConvertible {
    public static let minimumSecretBytes = 16
    public static let prefix = "gh_"
    /// Random bytes in a token's secret part.
    public static let secretByteCount = 32
    /// Characters of the hex id.
    public static let idLength = 8
    /// Exact length of every well-formed token: "gh_" + 8 + "_" + 43 (32 bytes as unpadded base64url).
    public static let tokenLength = 3 + 8 + 1 + 43

    private let key: SymmetricKey

    /// - Throws: `SecurityError` with code `security.secret_too_short` when `secret` has fewer than 16 bytes.
    public init(secret: [UInt8]) throws {
        guard secret.count >= Self.minimumSecretBytes else {
            throw SecurityError.secretTooShort(
                "AUTH_TOKEN_SECRET", bytes: secret.count, minimum: Self.minimumSecretBytes)
        }
        key = SymmetricKey(data: secret)
    }

    public var description: String { "AccessTokenIssuer(secret: <redacted>)" }

    /// Makes a new token for `userId`, valid for `ttlSeconds` from `now` (at least one second).
    /// Use `SystemRandomNumberGenerator` (a cryptographic generator) outside tests.
    /// The 8-character id is random too; ids can collide (1 in 2^32 per pair), so the ledger should keep them
    /// unique and issue again on a clash.
    public func issue(
        userId: Int64, now: EpochMillis, ttlSeconds: Int64, random: inout some RandomNumberGenerator
    ) -> IssuedToken {
        let idBytes = (0..<(Self.idLength / 2)).map { _ in UInt8.random(in: .min ... .max, using: &random) }
        let secretBytes = (0..<Self.secretByteCount).map { _ in UInt8.random(in: .min ... .max, using: &random) }
        let id = Hex.lowercase(idBytes)
        let token = Self.prefix + id + "_" + SecurityEncoding.base64URL(secretBytes)
        let (ttlMs, overflow) = max(ttlSeconds, 1).multipliedReportingOverflow(by: 1000)
        return IssuedToken(
            token: token, id: id, userId: userId, hash: hash(of: token), issuedAt: now,
            expiresAt: overflow ? .max : now.adding(saturating: ttlMs))
    }

    /// Same as `issue(userId:now:ttlSeconds:random:)` with the system's cryptographic generator.
    public func issue(userId: Int64, now: EpochMillis, ttlSeconds: Int64) -> IssuedToken {
        var random = SystemRandomNumberGenerator()
        return issue(userId: userId, now: now, ttlSeconds: ttlSeconds, random: &random)
    }

    /// The id part of a presented token, or nil unless the whole text has exactly the token's shape.
    /// Looks at no more than `tokenLength` bytes, so any input (empty, huge, any Unicode) is cheap and safe.
    /// Callers pass the argument as typed, after trimming surrounding whitespace.
    public static func tokenId(of presented: String) -> String? {
        var utf8 = presented.utf8.makeIterator()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(tokenLength)
        while let byte = utf8.next() {
            guard bytes.count < tokenLength else { return nil }
            bytes.append(byte)
        }
        guard bytes.count == tokenLength, bytes.starts(with: prefix.utf8) else { return nil }
        let idRange = 3..<(3 + idLength)
        guard bytes[idRange].allSatisfy(SecurityEncoding.isLowercaseHexDigit), bytes[3 + idLength] == UInt8(ascii: "_")
        else { return nil }
        let secretPart = bytes[(4 + idLength)...]
        guard secretPart.allSatisfy(SecurityEncoding.isBase64URLCharacter),
            let last = secretPart.last, Self.isCanonicalFinalCharacter(last)
        else { return nil }
        return String(decoding: bytes[idRange], as: UTF8.self)
    }

    /// True when `presented` is a well-formed token whose keyed hash is `hash`. The comparison takes the same
    /// time wherever the two hashes differ, so response timing reveals nothing about the stored hash.
    public func matches(presented: String, hash: String) -> Bool {
        guard Self.tokenId(of: presented) != nil else { return false }
        let computed = self.hash(of: presented)
        return SecurityEncoding.constantTimeEquals(Array(computed.utf8), Array(hash.utf8))
    }

    /// Lowercase hex HMAC-SHA256(secret, token).
    public func hash(of token: String) -> String {
        Hex.lowercase(HMAC<SHA256>.authenticationCode(for: Array(token.utf8), using: key))
    }

    /// A keyed fingerprint of the secret itself: HMAC(secret, a fixed label), 16 hex characters. The guard stores it,
    /// so `gatehouse token issue` can tell that it holds another `AUTH_TOKEN_SECRET` (its tokens would never work)
    /// without the database ever holding the secret or anything that helps guess it.
    public var secretFingerprint: String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array("gatehouse.token-secret.fingerprint.v1".utf8), using: key)
        return String(Hex.lowercase(mac).prefix(16))
    }

    /// A stable stand-in for a user id in audit entries after the user erased their data: "anon-" and 16 hex
    /// characters of HMAC(secret, "user:<id>"). The same user always maps to the same pseudonym, so the audit
    /// trail stays linkable, but the id cannot be recovered without the secret.
    public func pseudonym(userId: Int64) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array("user:\(userId)".utf8), using: key)
        return "anon-" + String(Hex.lowercase(mac).prefix(16))
    }

    /// 32 bytes are 43 base64url characters; the last carries 4 data bits and 2 zero bits, so only every
    /// fourth letter can end a token that `issue` made. Refusing the others keeps one token, one spelling.
    private static func isCanonicalFinalCharacter(_ byte: UInt8) -> Bool {
        Array("AEIMQUYcgkosw048".utf8).contains(byte)
    }
}
