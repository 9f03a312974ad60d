import Foundation
import Messages

/// Decides, for one tool call Claude asks permission for: allow, deny (with the reason Claude is told), or ask the
/// person whose job it is. This is the first of two independent layers: the guard checks paths lexically here; the
/// executor checks the real path on disk before it answers allow.
public struct ToolPolicy: Sendable {
    /// Tools that only touch files, and the input fields that name those files.
    static let fileTools: [String: [String]] = [
        "Read": ["file_path"], "Write": ["file_path"], "Edit": ["file_path"], "MultiEdit": ["file_path"],
        "NotebookEdit": ["notebook_path"], "Glob": ["path"], "Grep": ["path"], "LS": ["path"],
    ]

    /// Names never handed to Claude, wherever they are.
    static let secretNames: [String] = [".env", "id_rsa", "id_ed25519", "id_ecdsa", ".netrc", ".pgpass", "credentials.json", ".credentials.json"]
    static let secretSuffixes: [String] = [".pem", ".key", ".p12", ".pfx"]
    /// Directories whose contents are secrets.
    static let secretDirectories: [String] = ["/.ssh/", "/.aws/", "/.gnupg/", "/.claude/", "/.config/gcloud/", "/.kube/"]

    let file: ToolPolicyFile
    let bash: BashPolicy

    public init(file: ToolPolicyFile = .init()) {
        self.file = file
        var configuration = BashPolicy.Configuration()
        configuration.extraReadOnlyPrograms = Set(file.bash?.readOnlyPrograms ?? [])
        configuration.extraDeniedPrograms = Set(file.bash?.deniedPrograms ?? [])
        if file.bash?.network == .deny { configuration.networkTools = .deny }
        bash = BashPolicy(configuration: configuration)
    }

    /// - Parameter workspace: the absolute workspace directory of the job.
    public func decide(toolName: String, input: JSONValue, workspace: String) -> PolicyVerdict {
        if file.deny?.contains(toolName) == true {
            return .deny(reason: "\(toolName) is turned off by the operator's policy")
        }
        let verdict = defaultVerdict(toolName: toolName, input: input, workspace: workspace)
        if case .ask = verdict, file.allow?.contains(toolName) == true { return .allow }
        if case .allow = verdict, file.ask?.contains(toolName) == true {
            return .ask(reason: "the operator's policy asks before \(toolName)")
        }
        return verdict
    }

    private func defaultVerdict(toolName: String, input: JSONValue, workspace: String) -> PolicyVerdict {
        if let pathFields = Self.fileTools[toolName] {
            return fileVerdict(toolName: toolName, input: input, pathFields: pathFields, workspace: workspace)
        }
        switch toolName {
        case "Bash":
            guard let command = input["command"]?.stringValue else { return .deny(reason: "the command is missing") }
            return bash.decide(command: command, workspace: workspace, home: nil)
        case "WebFetch":
            guard let url = input["url"]?.stringValue else { return .deny(reason: "the URL is missing") }
            if let problem = NetworkTarget.problem(withURL: url) { return .deny(reason: problem) }
            switch file.webFetch ?? .ask {
            case .allow: return .allow
            case .deny: return .deny(reason: "fetching web pages is turned off by the operator's policy")
            case .ask: return .ask(reason: "Claude wants to fetch a web page")
            }
        case "WebSearch":
            return .allow
        default:
            return .ask(reason: "\(toolName) is not covered by the policy")
        }
    }

    private func fileVerdict(toolName: String, input: JSONValue, pathFields: [String], workspace: String) -> PolicyVerdict {
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
        if path.hasPrefix("~") { return "the path is outside the workspace" }
        let absolute = path.hasPrefix("/") ? path : workspace + "/" + path
        let normalized = normalize(absolute)
        let root = normalize(workspace)
        guard normalized == root || normalized.hasPrefix(root == "/" ? "/" : root + "/") else {
            return "the path is outside the workspace"
        }
        let name = (normalized as NSString).lastPathComponent.lowercased()
        if secretNames.contains(name) || name.hasPrefix(".env") || secretSuffixes.contains(where: name.hasSuffix)
            || secretDirectories.contains(where: { (normalized + "/").contains($0) })
        {
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
