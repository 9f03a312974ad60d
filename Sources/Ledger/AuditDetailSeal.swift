import Crypto
import Foundation

/// How the detail of an audit entry about a person is stored: sealed with a key of that person's own, named by their
/// pseudonym — "sealed:<subject>:enc1:…". The chain hashes the stored form, so `gatehouse audit verify` needs no
/// key; reading needs the person's key, which lives next to their pseudonym (`audit_subjects`) and is deleted with
/// it by `/forgetme`. After that the entry still shows when and what happened, never about whom or the detail.
/// The key sits in the database in the clear: its purpose is erasure (crypto-shredding), not secrecy from whoever
/// holds the database, which `DATA_ENCRYPTION_KEY` covers for message content.
package enum AuditDetailSeal {
    package static let prefix = "sealed:"
    /// What an entry whose person was erased says in place of its detail.
    package static let erased = "[erased]"

    /// A new random key for a person's entries (one call to the system's generator: every stranger refused gets one).
    package static func newKey() -> String {
        SymmetricKey(size: .bits256).withUnsafeBytes { Data($0).base64EncodedString() }
    }

    package static func seal(_ detail: String, subject: String, key: String) throws -> String {
        let cipher = try cipher(for: key)
        return prefix + subject + ":" + (try cipher.seal(detail))
    }

    /// The cipher of a key made by `newKey` (base64 of 32 bytes, decoded directly: the general key-material path trims
    /// whitespace first, which cost more than the encryption on every refused stranger).
    private static func cipher(for key: String) throws -> ContentCipher {
        if let bytes = Data(base64Encoded: key), bytes.count == 32 { return try ContentCipher(keyMaterial: Array(bytes)) }
        return try ContentCipher(keyMaterial: ContentCipher.keyMaterial(from: key))
    }

    /// The pseudonym whose key opens a stored detail; nil for a detail stored in the clear.
    package static func subject(of stored: String) -> String? {
        guard stored.hasPrefix(prefix) else { return nil }
        let rest = stored.dropFirst(prefix.count)
        guard let colon = rest.firstIndex(of: ":") else { return nil }
        return String(rest[..<colon])
    }

    /// The detail in words: opened with `key` when sealed (`erased` without a key or when it does not open), as
    /// stored otherwise.
    static func open(_ stored: String, key: String?) -> String {
        guard let subject = subject(of: stored) else { return stored }
        let sealed = String(stored.dropFirst(prefix.count + subject.count + 1))
        guard let key, let cipher = try? cipher(for: key),
            let opened = try? cipher.open(sealed)
        else { return erased }
        return opened
    }
}
