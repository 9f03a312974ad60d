/// The `<name>` in `POST /webhooks/<name>`. Names are short and plain, so they can go into logs, the audit log and
/// the guard's routing rules as they are; anything else is refused before a byte of the body is read.
public enum WebhookHookName {
    /// GitHub's deliveries, checked with `X-Hub-Signature-256` and `GITHUB_WEBHOOK_SECRET`.
    public static let github = "github"
    static let maxLength = 64

    /// Lowercase letters, digits, `-` and `_`, starting with a letter or digit, at most 64 characters.
    public static func isValid(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, bytes.count <= maxLength, isLowerAlphanumeric(first) else { return false }
        return bytes.allSatisfy { isLowerAlphanumeric($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") }
    }

    private static func isLowerAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
