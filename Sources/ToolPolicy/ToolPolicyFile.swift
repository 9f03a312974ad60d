import Foundation

/// The operator's additions to the default tool policy, read from `POLICY_FILE` (JSON):
///
/// ```json
/// { "allow": ["mcp__docs__search"], "deny": ["WebSearch"], "ask": [],
///   "webFetch": "ask", "bash": { "readOnlyPrograms": ["kubectl-get"], "deniedPrograms": ["terraform"], "network": "deny" } }
/// ```
/// Tool names in `deny` always win; `allow` turns a tool that would be asked about into one allowed without asking
/// (never one the defaults deny for a reason such as a path outside the workspace).
public struct ToolPolicyFile: Codable, Sendable, Equatable {
    public enum Handling: String, Codable, Sendable { case allow, ask, deny }

    public struct Bash: Codable, Sendable, Equatable {
        public var readOnlyPrograms: [String]?
        public var deniedPrograms: [String]?
        /// Network tools (curl, wget) that do not pipe into a shell: ask (default) or deny.
        public var network: Handling?
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
        do {
            return try JSONDecoder().decode(ToolPolicyFile.self, from: data)
        } catch {
            throw PolicyFileError(description: "\(path.debugDescription) is not a valid policy file: \(error)")
        }
    }

    public struct PolicyFileError: Error, CustomStringConvertible {
        public var description: String
    }
}
