import Foundation
import Validation

/// Who works where (`WORKSPACE_MODE`).
public enum WorkspaceMode: String, Sendable, CaseIterable {
    /// Everyone in their own directory (`APPROVED_DIRECTORY/<user id>`).
    case perPerson = "private"
    /// Everyone in the approved directory itself.
    case shared
    /// The default: administrators (`ADMIN_USERS`) in the approved directory itself, as a lone owner migrating from
    /// claude-code-telegram expects (their projects are there); everyone else in their own directory.
    case adminsShared = "admins-shared"
}

/// Where each person works. Paths are relative to `APPROVED_DIRECTORY`; a person's root is the approved directory
/// itself or their own directory in it, named by their user id, so nobody but an administrator working in the
/// approved directory sees or continues anyone else's files. Pure: the executor checks everything again on disk.
public struct Workspaces: Sendable {
    public var approvedDirectory: String
    public var mode: WorkspaceMode
    /// The administrators named in the configuration (`ADMIN_USERS`): people made admin from the chat keep their
    /// own directory, so a role change never moves anyone's files.
    public var admins: Set<Int64>

    public init(approvedDirectory: String, mode: WorkspaceMode, admins: Set<Int64> = []) {
        self.approvedDirectory = approvedDirectory
        self.mode = mode
        self.admins = admins
    }

    /// The person's root, relative to the approved directory.
    public func root(of userId: Int64) -> String {
        switch mode {
        case .shared: ""
        case .perPerson: String(userId)
        case .adminsShared: admins.contains(userId) ? "" : String(userId)
        }
    }

    /// The workspace (relative to the approved directory) of a directory relative to the person's root.
    public func workspace(of userId: Int64, directory: String) -> String {
        [root(of: userId), directory].filter { !$0.isEmpty }.joined(separator: "/")
    }

    /// How a directory is shown to the person: from their root, e.g. "/app/src".
    public static func display(_ directory: String) -> String {
        "/" + directory
    }

    /// Resolves what someone typed after `/cd`, `/ls` or `/get` against their current directory. Relative paths and
    /// paths from their root ("/app") are accepted, as are absolute paths inside their root on disk; `..` climbing
    /// above the root stops at the root (for `/cd ..` and the like), anything else suspicious is refused.
    public func resolve(_ input: String, from current: String, userId: Int64) -> Result<String, Refusal> {
        let rootPath = [approvedDirectory, root(of: userId)].filter { !$0.isEmpty }.joined(separator: "/")
        let validator = PathValidator(approvedRoot: rootPath)
        let trimmed = input.trimmingCharacters(in: .whitespaces)
        if !trimmed.hasPrefix(rootPath + "/"), trimmed != rootPath, trimmed.hasPrefix("/") {
            return validator.resolve(String(trimmed.drop { $0 == "/" }).isEmpty ? "." : String(trimmed.drop { $0 == "/" }), from: "")
        }
        let climbs = trimmed.split(separator: "/", omittingEmptySubsequences: true)
        if !climbs.isEmpty, climbs.allSatisfy({ $0 == ".." }) {
            let depth = current.split(separator: "/").count
            return .success(current.split(separator: "/").prefix(max(0, depth - climbs.count)).joined(separator: "/"))
        }
        return validator.resolve(trimmed, from: current)
    }
}
