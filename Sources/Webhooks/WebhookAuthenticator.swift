import Crypto
import Foundation
import Messages
import Settings

/// Decides whether a delivery really comes from its sender, and which delivery it is. Pure: the HTTP server hands it
/// the hook, the body and a header lookup. Every comparison with a secret takes the same time whatever the input, so a
/// sender cannot learn a secret byte by byte from how long a refusal takes.
public struct WebhookAuthenticator: Sendable {
    public struct Delivery: Sendable, Equatable {
        /// Unique per delivery; a sender's retry carries the same one (the guard de-duplicates by it).
        public var deliveryId: String
        /// GitHub's `X-GitHub-Event`; nil for other senders.
        public var event: String?
    }

    private let githubKey: SymmetricKey?
    private let apiKey: SymmetricKey?
    /// MAC of `WEBHOOK_API_SECRET` under a key made at start: a Bearer token is compared through its MAC under the same
    /// key, in constant time and without revealing the secret's length.
    private let bearerKey = SymmetricKey(size: .bits256)
    private let bearerMAC: HashedAuthenticationCode<SHA256>?

    /// - Parameters:
    ///   - githubSecret: `GITHUB_WEBHOOK_SECRET`; without it every GitHub delivery is refused (`no_secret`).
    ///   - apiSecret: `WEBHOOK_API_SECRET`; without it every other hook refuses everything (`no_secret`).
    public init(githubSecret: Secret?, apiSecret: Secret?) {
        githubKey = githubSecret.map { SymmetricKey(data: Data($0.reveal().utf8)) }
        apiKey = apiSecret.map { SymmetricKey(data: Data($0.reveal().utf8)) }
        bearerMAC = apiSecret.map { [bearerKey] in HMAC<SHA256>.authenticationCode(for: Data($0.reveal().utf8), using: bearerKey) }
    }

    /// Whether this hook can accept anything at all (checked before its body is read).
    public func hasSecret(for hook: String) -> Bool {
        hook == WebhookHookName.github ? githubKey != nil : apiKey != nil
    }

    /// The delivery if the request is authentic, else why not. `header` looks a request header up by name
    /// (case-insensitively).
    public func authenticate(hook: String, body: Data, header: (String) -> String?) -> Result<Delivery, WebhookRefusalReason> {
        if hook == WebhookHookName.github {
            guard let githubKey else { return .failure(.noSecret) }
            guard let signature = header("X-Hub-Signature-256"), Self.hasValidSignature(signature, body: body, key: githubKey) else {
                return .failure(.badSignature)
            }
            return .success(Delivery(
                deliveryId: Self.deliveryId(given: header("X-GitHub-Delivery"), body: body),
                event: header("X-GitHub-Event").flatMap(Self.plainEvent)))
        }
        guard let apiKey else { return .failure(.noSecret) }
        let authentic: Bool
        if let authorization = header("Authorization") {
            authentic = isValidBearer(authorization)
        } else if let signature = header("X-Signature-256") {
            authentic = Self.hasValidSignature(signature, body: body, key: apiKey)
        } else {
            authentic = false
        }
        guard authentic else { return .failure(.badSignature) }
        return .success(Delivery(
            deliveryId: Self.deliveryId(given: header("Idempotency-Key") ?? header("X-Request-Id"), body: body), event: nil))
    }

    /// `sha256=<64 hex digits>`, the HMAC-SHA256 of the body under the secret (GitHub's form, used for both).
    static func hasValidSignature(_ header: String, body: Data, key: SymmetricKey) -> Bool {
        let prefix = "sha256="
        guard header.hasPrefix(prefix), let mac = bytes(ofHex: header.dropFirst(prefix.count)), mac.count == SHA256.byteCount else {
            return false
        }
        return HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: body, using: key)
    }

    private func isValidBearer(_ authorization: String) -> Bool {
        let prefix = "Bearer "
        guard let bearerMAC, authorization.count > prefix.count,
            authorization.prefix(prefix.count).lowercased() == prefix.lowercased()
        else { return false }
        let token = Data(authorization.dropFirst(prefix.count).utf8)
        return HMAC<SHA256>.isValidAuthenticationCode(bearerMAC, authenticating: token, using: bearerKey)
    }

    /// The sender's id when it is a plain token of sensible length (it goes into logs and the ledger as it is);
    /// otherwise the SHA-256 of what was given, or of the body when nothing was.
    static func deliveryId(given: String?, body: Data) -> String {
        if let given, !given.isEmpty {
            if given.utf8.count <= 128, given.utf8.allSatisfy(isPlainIdByte) { return given }
            return Hex.lowercase(SHA256.hash(data: Data(given.utf8)))
        }
        return Hex.lowercase(SHA256.hash(data: body))
    }

    /// GitHub's event names are short snake_case words; anything else is not passed on.
    static func plainEvent(_ event: String) -> String? {
        guard !event.isEmpty, event.utf8.count <= 64, event.utf8.allSatisfy(isPlainIdByte) else { return nil }
        return event
    }

    private static func isPlainIdByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: ":"):
            true
        default:
            false
        }
    }

    private static func bytes(ofHex hex: Substring) -> [UInt8]? {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        var index = 0
        while index < digits.count {
            guard let high = nibble(digits[index]), let low = nibble(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    private static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
