/// What a Claude Code CLI reads when it starts, stamped: the project's and the user's settings, MCP servers,
/// memory files, commands, agents and skills, and which directory the workspace is. A warm CLI read them when it
/// started; if any changed before its prompt came, it is not used (a CLI started then would see something else).
/// Not stamped: what the CLI itself writes at its start (the session's transcript, its own state under
/// `~/.claude`), and the workspace's other files (read by Claude's tools only after the prompt). The transcript is
/// written by no one else meanwhile: the guard runs one job per person at a time, sends it to the executor
/// holding the session, and asks for no warm CLI when sessions are shared between executors.
struct WorkspaceFingerprint: Equatable, Sendable {
    private var stamps: [String: FileStamp?]
    /// The workspace directory's device and inode: replaced (moved away, made anew) is a change; new files in it
    /// are not.
    private var workspaceIdentity: [UInt64]?

    /// In the workspace and each directory above it up to the approved directory.
    static let projectFiles = [
        ".claude/settings.json", ".claude/settings.local.json", ".mcp.json", "CLAUDE.md", "CLAUDE.local.md",
        ".claude/CLAUDE.md", ".claude/commands", ".claude/agents", ".claude/skills",
    ]
    /// Under the CLI's HOME.
    static let userFiles = [
        ".claude/settings.json", ".claude/settings.local.json", ".claude/CLAUDE.md", ".claude/commands", ".claude/agents",
        ".claude/skills",
    ]

    /// `workspace` is absolute, inside `approvedDirectory`.
    init(workspace: String, approvedDirectory: String, home: String) {
        var paths: [String] = []
        var directory = workspace
        while true {
            paths += Self.projectFiles.map { directory + "/" + $0 }
            guard directory.count > approvedDirectory.count, let slash = directory.lastIndex(of: "/") else { break }
            directory = String(directory[..<slash])
            if directory.isEmpty { break }
        }
        paths += Self.userFiles.map { home + "/" + $0 }
        stamps = Dictionary(paths.map { ($0, FileStamp(path: $0)) }, uniquingKeysWith: { first, _ in first })
        workspaceIdentity = FileStamp(path: workspace).map { [$0.device, $0.inode] }
    }

    /// The paths that differ between two fingerprints (for the log).
    func changes(since earlier: WorkspaceFingerprint) -> [String] {
        var changed = Set(stamps.keys).union(earlier.stamps.keys).filter { stamps[$0] != earlier.stamps[$0] }.sorted()
        if workspaceIdentity != earlier.workspaceIdentity { changed.insert("the workspace directory itself", at: 0) }
        return changed
    }
}
