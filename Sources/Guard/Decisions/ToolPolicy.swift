import Foundation
import Messages

/// Decides, for one tool call Claude asks permission for, whether it may run. This is the first of two
/// independent layers: the guard checks paths lexically here; the executor checks the real path on disk.
public struct ToolPolicy: Sendable {
    public enum Decision: Sendable, Equatable {
        case allow
        case deny(reason: String)
    }

    /// Tools that only touch files, and the input fields that name those files.
    static let fileTools: [String: [String]] = [
        "Read": ["file_path"], "Write": ["file_path"], "Edit": ["file_path"], "MultiEdit": ["file_path"],
        "NotebookEdit": ["notebook_path"], "Glob": ["path"], "Grep": ["path"], "LS": ["path"],
    ]

    /// Names never handed to Claude, wherever they are.
    static let secretNames: [String] = [".env", "id_rsa", "id_ed25519", "id_ecdsa", ".netrc", ".pgpass", "credentials.json", ".credentials.json"]
    static let secretSuffixes: [String] = [".pem", ".key", ".p12", ".pfx"]

    public init() {}

    /// - Parameter workspace: the absolute workspace directory of the job.
    public func decide(toolName: String, input: JSONValue, workspace: String) -> Decision {
        guard let pathFields = Self.fileTools[toolName] else {
            return .deny(reason: "\(toolName) is not allowed by the current policy")
        }
        for field in pathFields {
            guard let value = input[field] else { continue }
            guard let path = value.stringValue else { return .deny(reason: "\(field) is not a path") }
            if let problem = Self.problem(with: path, workspace: workspace) { return .deny(reason: problem) }
        }
        if toolName == "Glob", let pattern = input["pattern"]?.stringValue {
            if pattern.contains("..") { return .deny(reason: "the pattern leaves the workspace") }
            if pattern.hasPrefix("/"), let problem = Self.problem(with: pattern, workspace: workspace) {
                return .deny(reason: problem)
            }
        }
        return .allow
    }

    /// Why `path` may not be used from `workspace`, or nil when it stays inside and is not a secret.
    static func problem(with path: String, workspace: String) -> String? {
        if path.contains("\0") || path.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            return "the path contains control characters"
        }
        let absolute = path.hasPrefix("/") ? path : workspace + "/" + path
        let normalized = normalize(absolute)
        let root = normalize(workspace)
        guard normalized == root || normalized.hasPrefix(root == "/" ? "/" : root + "/") else {
            return "the path is outside the workspace"
        }
        let name = (normalized as NSString).lastPathComponent.lowercased()
        if secretNames.contains(name) || name.hasPrefix(".env") || secretSuffixes.contains(where: name.hasSuffix) {
            return "the file holds secrets"
        }
        return nil
    }

    /// Collapses `.`, `..` and repeated slashes without touching the disk.
    static func normalize(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch part {
            case ".": continue
            case "..": if !parts.isEmpty { parts.removeLast() }
            default: parts.append(part)
            }
        }
        return "/" + parts.joined(separator: "/")
    }
}
