/// Why a security building block refused its input. `code` is stable (tests and the audit log key on it);
/// `message` is for the operator. Neither ever contains a secret, a key, a token or the data being protected.
public struct SecurityError: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: String
    public var message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }

    package static func secretTooShort(_ what: String, bytes: Int, minimum: Int) -> SecurityError {
        SecurityError(
            code: "security.secret_too_short",
            message: "\(what) is \(bytes) bytes long; at least \(minimum) bytes are required")
    }

    static let sealFailed = SecurityError(
        code: "security.seal_failed", message: "the value could not be encrypted")
    static let notDecodable = SecurityError(
        code: "security.sealed_malformed", message: "an encrypted value is not valid base64 or is too short")
    static let authenticationFailed = SecurityError(
        code: "security.open_failed",
        message: "an encrypted value could not be decrypted: it was altered or sealed with another key")
    static let notUTF8 = SecurityError(
        code: "security.not_utf8", message: "a decrypted value is not valid UTF-8 text")
}
