import Crypto
import Foundation

/// Encrypts stored message content with AES-256-GCM, so a copy of the database does not reveal what users
/// wrote. Sealed values are text: "enc1:" + base64(nonce | ciphertext | tag), a fresh random nonce each time.
public struct ContentCipher: Sendable, CustomStringConvertible {
    /// Marks a sealed value; values without it were stored before encryption was enabled.
    public static let prefix = "enc1:"
    public static let minimumKeyMaterialBytes = 16
    /// Salt for deriving a key from a passphrase. Fixed: changing it would make every stored value unreadable.
    static let derivationSalt = Array("gatehouse.data.v1".utf8)
    static let derivationInfo = Array("gatehouse content encryption".utf8)

    private let key: SymmetricKey

    /// - 32 bytes are used as the key as they are;
    /// - text that is base64 of 32 bytes is decoded and used as the key;
    /// - anything else of at least 16 bytes is a passphrase: the key is HKDF-SHA256 of it, salted with
    ///   "gatehouse.data.v1".
    /// - Throws: `SecurityError` with code `security.secret_too_short` for shorter material.
    public init(keyMaterial: [UInt8]) throws {
        if keyMaterial.count == 32 {
            key = SymmetricKey(data: keyMaterial)
        } else if let decoded = Self.decodeBase64Key(keyMaterial) {
            key = SymmetricKey(data: decoded)
        } else {
            guard keyMaterial.count >= Self.minimumKeyMaterialBytes else {
                throw SecurityError.secretTooShort(
                    "the data encryption key", bytes: keyMaterial.count, minimum: Self.minimumKeyMaterialBytes)
            }
            key = HKDF<SHA256>.deriveKey(
                inputKeyMaterial: SymmetricKey(data: keyMaterial), salt: Self.derivationSalt,
                info: Self.derivationInfo, outputByteCount: 32)
        }
    }

    /// Key material from an environment value: surrounding whitespace removed; base64 of 32 bytes is decoded,
    /// anything else is taken as its UTF-8 bytes (a passphrase).
    public static func keyMaterial(from text: String) -> [UInt8] {
        let trimmed = Array(text.trimmingCharacters(in: .whitespacesAndNewlines).utf8)
        return decodeBase64Key(trimmed) ?? trimmed
    }

    public var description: String { "ContentCipher(key: <redacted>)" }

    /// Encrypts `plaintext` with a new random nonce.
    public func seal(_ plaintext: String) throws -> String {
        do {
            let box = try AES.GCM.seal(Array(plaintext.utf8), using: key)
            guard let combined = box.combined else { throw SecurityError.sealFailed }
            return Self.prefix + combined.base64EncodedString()
        } catch {
            throw SecurityError.sealFailed
        }
    }

    /// Decrypts a value made by `seal`. A value without the "enc1:" prefix is returned unchanged (it was
    /// stored before encryption was enabled).
    /// - Throws: `SecurityError` (`security.sealed_malformed`, `security.open_failed`, `security.not_utf8`) when the
    ///   value was altered or sealed with another key. The error never contains the value.
    public func open(_ stored: String) throws -> String {
        guard stored.hasPrefix(Self.prefix) else { return stored }
        let encoded = stored.dropFirst(Self.prefix.count)
        // Nonce (12) and tag (16) are always present.
        guard let combined = Data(base64Encoded: String(encoded)), combined.count >= 28 else {
            throw SecurityError.notDecodable
        }
        let plaintext: Data
        do {
            plaintext = try AES.GCM.open(AES.GCM.SealedBox(combined: combined), using: key)
        } catch {
            throw SecurityError.authenticationFailed
        }
        guard let text = String(validating: plaintext, as: UTF8.self) else { throw SecurityError.notUTF8 }
        return text
    }

    /// True when `stored` is a sealed value (as opposed to legacy plaintext).
    public static func isSealed(_ stored: String) -> Bool {
        stored.hasPrefix(prefix)
    }

    /// The 32 bytes encoded by `material` when it is standard or URL-safe base64 (padding optional), else nil.
    private static func decodeBase64Key(_ material: [UInt8]) -> [UInt8]? {
        // 32 bytes are 43 characters unpadded, 44 padded.
        guard material.count == 43 || material.count == 44 else { return nil }
        var normalized = material.map { byte -> UInt8 in
            switch byte {
            case UInt8(ascii: "-"): UInt8(ascii: "+")
            case UInt8(ascii: "_"): UInt8(ascii: "/")
            default: byte
            }
        }
        if normalized.count == 43 { normalized.append(UInt8(ascii: "=")) }
        guard let decoded = Data(base64Encoded: Data(normalized)), decoded.count == 32 else { return nil }
        return Array(decoded)
    }
}
