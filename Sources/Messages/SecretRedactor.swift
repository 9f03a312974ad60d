import Foundation

/// Removes secrets from text before it is shown anywhere (progress lines in the chat, logs): API keys and tokens of
/// well-known shapes, credentials in URLs, and values of key/token/password-like assignments and headers.
public enum SecretRedactor {
    static let placeholder = "[redacted]"

    private static let patterns: [NSRegularExpression] = [
        // Well-known token shapes.
        #"sk-ant-[A-Za-z0-9_\-]{8,}"#, #"sk-[A-Za-z0-9_\-]{20,}"#, #"gh[pousr]_[A-Za-z0-9]{20,}"#,
        #"github_pat_[A-Za-z0-9_]{20,}"#, #"xox[abprs]-[A-Za-z0-9\-]{10,}"#, #"AKIA[0-9A-Z]{16}"#,
        #"AIza[0-9A-Za-z_\-]{35}"#, #"(?<![0-9])\d{6,12}:[A-Za-z0-9_\-]{30,}"#, #"eyJ[A-Za-z0-9_\-]{10,}\.[A-Za-z0-9_\-]{10,}\.[A-Za-z0-9_\-]{10,}"#,
        #"-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)"#,
    ].compactMap { try? NSRegularExpression(pattern: $0) }

    /// `scheme://user:password@host` → `scheme://user:[redacted]@host`.
    private static let urlCredentials = try? NSRegularExpression(pattern: #"(\b[a-zA-Z][a-zA-Z0-9+.\-]*://[^\s:/@]+:)[^\s@/]+(@)"#)

    /// `curl -u user:password`, `--user user:password`, `sshpass -p password`.
    private static let userOptions = try? NSRegularExpression(pattern: #"((?:^|\s)(?:-u|--user|--proxy-user)\s+[^\s:]+:)(\S+)"#)
    private static let passwordOptions = try? NSRegularExpression(pattern: #"((?:^|\s)sshpass\s+-p\s*)(\S+)"#)

    /// `password=…`, `api_key: …`, `Authorization: Bearer …`, `--token …` → the name kept, the value redacted.
    private static let assignments = try? NSRegularExpression(
        pattern: #"(?i)((?:api[_-]?key|apikey|secret|token|passw(?:or)?d|passwd|pwd|auth|authorization|bearer|access[_-]?key|private[_-]?key|client[_-]?secret)[\w\-]*["']?\s*(?:[:=]|\s)\s*["']?(?:bearer\s+|basic\s+)?)([^\s"'&,;]{4,})"#)

    public static func redact(_ text: String) -> String {
        var result = text
        for pattern in patterns {
            result = replace(pattern, in: result, template: placeholder)
        }
        if let urlCredentials { result = replace(urlCredentials, in: result, template: "$1\(placeholder)$2") }
        for pattern in [userOptions, passwordOptions].compactMap({ $0 }) {
            result = replace(pattern, in: result, template: "$1\(placeholder)")
        }
        if let assignments { result = replace(assignments, in: result, template: "$1\(placeholder)") }
        return result
    }

    private static func replace(_ pattern: NSRegularExpression, in text: String, template: String) -> String {
        pattern.stringByReplacingMatches(
            in: text, range: NSRange(text.startIndex..., in: text), withTemplate: template)
    }
}
