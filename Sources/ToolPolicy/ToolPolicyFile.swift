import Foundation

/// The operator's additions to the default tool policy, read from `POLICY_FILE` (JSON):
///
/// ```json
/// { "allow": ["mcp__docs__search"], "deny": ["WebSearch"], "ask": [],
///   "webFetch": "ask",
///   "bash": { "readOnlyPrograms": ["kubectl-get"], "deniedPrograms": ["terraform"], "network": "deny", "workspaceWork": "ask" } }
/// ```
/// Tool names in `deny` always win; `allow` turns a tool that would be asked about into one allowed without asking
/// (never one the defaults deny for a reason such as a path outside the workspace).
///
/// `bash.workspaceWork`: when the executor confines the CLI with the kernel, ordinary work inside the workspace —
/// redirections and `mkdir`/`touch`/`cp`/`mv`/`rm`/`sed -i` on workspace files, running the project's scripts,
/// tests, build tools and interpreters — is allowed without asking (`"allow"`, the default). `"ask"` keeps asking
/// about it as when the CLI is not confined. Either way, what leaves the workspace, touches secrets, reaches the
/// network, sends anything or changes files git or Claude Code run programs from is still refused or asked about.
public struct ToolPolicyFile: Codable, Sendable, Equatable {
    public enum Handling: String, Codable, Sendable { case allow, ask, deny }

    public struct Bash: Codable, Sendable, Equatable {
        public var readOnlyPrograms: [String]?
        public var deniedPrograms: [String]?
        /// Network tools (curl, wget) that do not pipe into a shell: ask (default) or deny.
        public var network: Handling?
        /// Ordinary work inside the workspace of a confined CLI: allow (default) or ask. `deny` is refused at load.
        public var workspaceWork: Handling?

        public init(readOnlyPrograms: [String]? = nil, deniedPrograms: [String]? = nil, network: Handling? = nil,
                    workspaceWork: Handling? = nil) {
            self.readOnlyPrograms = readOnlyPrograms
            self.deniedPrograms = deniedPrograms
            self.network = network
            self.workspaceWork = workspaceWork
        }
    }

    public var allow: [String]?
    public var deny: [String]?
    public var ask: [String]?
    /// WebFetch of public addresses: ask (default), allow or deny. Private addresses are always denied.
    public var webFetch: Handling?
    public var bash: Bash?

    public init() {}

    public static func load(path: String) throws -> ToolPolicyFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PolicyFileError(description: "cannot read \(path.debugDescription)")
        }
        let file: ToolPolicyFile
        do {
            file = try JSONDecoder().decode(ToolPolicyFile.self, from: data)
        } catch {
            throw PolicyFileError(description: "\(path.debugDescription) is not a valid policy file: \(error)")
        }
        if file.bash?.workspaceWork == .deny {
            throw PolicyFileError(description: "\(path.debugDescription): bash.workspaceWork may be \"allow\" or \"ask\"")
        }
        return file
    }

    public struct PolicyFileError: Error, CustomStringConvertible {
        public var description: String
    }
}
