import Foundation

/// Where each person works. Paths are relative to `APPROVED_DIRECTORY`; a person's root is the approved directory
/// itself (shared) or their own directory in it, named by their user id (private, the default), so nobody sees or
/// continues anyone else's files. Pure: the executor checks everything again on disk.
public struct Workspaces: Sendable {
    public var approvedDirectory: String
    public var shared: Bool

    public init(approvedDirectory: String, shared: Bool) {
        self.approvedDirectory = approvedDirectory
        self.shared = shared
    }

    /// The person's root, relative to the approved directory.
    public func root(of userId: Int64) -> String {
        shared ? "" : String(userId)
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
