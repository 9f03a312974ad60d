import Foundation
import Synchronization

/// Per-job credentials in the proxy URL a job's CLI gets (`http://job-<id>:<nonce>@127.0.0.1:<port>`): clients
/// send them as `Proxy-Authorization: Basic …` (measured: the Claude Code CLI and curl both do), so each connection
/// is attributed to its job in the log, and a job's tools lose the proxy when the job ends.
public final class ProxyJobCredentials: Sendable {
    public struct Credential: Hashable, Sendable {
        public let jobId: String
        /// 128 random bits, hex: what is checked. The user name only carries the job id for people reading logs.
        public let nonce: String

        public var user: String { "job-" + jobId.addingPercentEncoding(withAllowedCharacters: Self.userCharacters)! }

        static let userCharacters = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._")
    }

    private let issued = Mutex<[String: String]>([:])  // nonce → job id

    public init() {}

    public func issue(jobId: String) -> Credential {
        var generator = SystemRandomNumberGenerator()
        let nonce = (0..<2).map { _ in String(generator.next() as UInt64, radix: 16).leftPadded(to: 16) }.joined()
        issued.withLock { $0[nonce] = jobId }
        return Credential(jobId: jobId, nonce: nonce)
    }

    /// A credential issued before its job was known (a warm CLI's) now belongs to `jobId`: the URL the process
    /// already has keeps working, and its connections are logged under the job.
    public func rebind(_ credential: Credential, to jobId: String) {
        issued.withLock { issued in
            if issued[credential.nonce] != nil { issued[credential.nonce] = jobId }
        }
    }

    public func revoke(_ credential: Credential) {
        issued.withLock { _ = $0.removeValue(forKey: credential.nonce) }
    }

    /// The job a `Proxy-Authorization` value belongs to, or nil (missing, not Basic, unknown or revoked).
    public func jobId(forProxyAuthorization value: String?) -> String? {
        guard let value, value.lowercased().hasPrefix("basic "),
            let decoded = Data(base64Encoded: String(value.dropFirst(6)).trimmingCharacters(in: .whitespaces)),
            let text = String(data: decoded, encoding: .utf8), let colon = text.firstIndex(of: ":")
        else { return nil }
        let nonce = String(text[text.index(after: colon)...])
        return issued.withLock { $0[nonce] }
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
