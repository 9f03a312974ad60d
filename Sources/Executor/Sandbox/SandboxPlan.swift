/// What one job's CLI process tree may reach, as the options of `gatehouse-confine`. Pure: every path comes in
/// already resolved (real path, no symlinks), so the checks here are lexical and exact.
///
/// Read-write: the job's workspace, the CLI's HOME (its state: `~/.claude`, `~/.claude.json`, which it replaces by
/// rename in HOME itself) and the job's private temporary directory. Read and execute: the CLI's own directory and
/// the system directories tools need. A few devices. Nothing else: not the rest of the approved directory (other
/// people's workspaces), not the executor's keys, sockets or database (`protectedPaths`).
public struct SandboxPlan: Sendable, Equatable {
    public struct Inputs: Sendable {
        /// The job's workspace: inside `approvedDirectory`, or the approved directory itself (shared workspaces).
        public var workspace: String
        public var approvedDirectory: String
        /// The CLI's HOME.
        public var claudeHome: String
        /// This job's own temporary directory (TMPDIR).
        public var temporaryDirectory: String
        /// The directory of the CLI's real executable.
        public var cliDirectory: String
        public var connectPorts: [Int]
        public var limits: SandboxLimits
        /// No grant may cover one of these, nor lie inside one.
        public var protectedPaths: [String] = []
        public var systemReadOnly: [String] = SandboxPlan.systemReadOnly
        public var devices: [String] = SandboxPlan.devices

        public init(
            workspace: String, approvedDirectory: String, claudeHome: String, temporaryDirectory: String,
            cliDirectory: String, connectPorts: [Int], limits: SandboxLimits
        ) {
            self.workspace = workspace
            self.approvedDirectory = approvedDirectory
            self.claudeHome = claudeHome
            self.temporaryDirectory = temporaryDirectory
            self.cliDirectory = cliDirectory
            self.connectPorts = connectPorts
            self.limits = limits
        }
    }

    /// Read and execute, where they exist: programs, libraries, configuration (certificates, resolver, git's
    /// system config), toolchains in /opt, and /proc (the CLI reads its own entries; other processes' private
    /// entries stay closed: Landlock forbids ptrace-class access outside the confined tree).
    public static let systemReadOnly = [
        "/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc", "/opt", "/proc",
    ]
    /// Read-write where they exist. Not /dev/shm: shared memory would be shared with other jobs.
    public static let devices = [
        "/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty", "/dev/ptmx", "/dev/pts",
    ]

    public var readWrite: [String]
    public var readOnly: [String]
    public var readOnlyIfExists: [String]
    public var readWriteIfExists: [String]
    public var connectPorts: [Int]
    public var limits: SandboxLimits

    public static func make(_ inputs: Inputs) throws(SandboxPlanError) -> SandboxPlan {
        let approved = inputs.approvedDirectory
        for (name, path) in [
            ("workspace", inputs.workspace), ("approved directory", approved), ("CLI home", inputs.claudeHome),
            ("temporary directory", inputs.temporaryDirectory), ("CLI directory", inputs.cliDirectory),
        ] + inputs.protectedPaths.map({ ("protected path", $0) }) + inputs.systemReadOnly.map({ ("system path", $0) })
            + inputs.devices.map({ ("device", $0) })
        {
            guard isNormalizedAbsolute(path) else { throw .notAbsolute(name: name, path: path) }
        }
        guard contains(approved, inputs.workspace) else {
            throw .workspaceOutsideApprovedDirectory(workspace: inputs.workspace)
        }
        if let bad = inputs.connectPorts.first(where: { !(1...65_535).contains($0) }) { throw .badPort(bad) }

        // Every grant but the workspace must keep clear of the approved directory: neither cover it nor lie in it.
        let grants: [(String, String)] = [
            ("CLI home", inputs.claudeHome), ("temporary directory", inputs.temporaryDirectory),
            ("CLI directory", inputs.cliDirectory),
        ] + inputs.systemReadOnly.map { ("system path", $0) } + inputs.devices.map { ("device", $0) }
        for (name, path) in grants where overlaps(path, approved) {
            throw .grantOverlapsApprovedDirectory(name: name, path: path, approved: approved)
        }
        for protected in inputs.protectedPaths {
            for (name, path) in grants + [("workspace", inputs.workspace)] where overlaps(path, protected) {
                throw .grantOverlapsProtectedPath(name: name, path: path, protected: protected)
            }
        }
        return SandboxPlan(
            readWrite: [inputs.workspace, inputs.claudeHome, inputs.temporaryDirectory],
            readOnly: [inputs.cliDirectory], readOnlyIfExists: inputs.systemReadOnly,
            readWriteIfExists: inputs.devices, connectPorts: Array(Set(inputs.connectPorts)).sorted(),
            limits: inputs.limits)
    }

    /// `gatehouse-confine`'s options, then `--`: the program and its arguments follow.
    public var arguments: [String] {
        var arguments: [String] = []
        for path in readWrite { arguments += ["--rw", path] }
        for path in readOnly { arguments += ["--ro", path] }
        for path in readOnlyIfExists { arguments += ["--ro-if-exists", path] }
        for path in readWriteIfExists { arguments += ["--rw-if-exists", path] }
        for port in connectPorts { arguments += ["--connect-port", String(port)] }
        return arguments + limits.arguments + ["--"]
    }

    /// `ancestor` is `path` or one of its parents.
    static func contains(_ ancestor: String, _ path: String) -> Bool {
        ancestor == "/" || path == ancestor || path.hasPrefix(ancestor + "/")
    }

    /// One of the two holds the other: a grant of either reaches into the other.
    static func overlaps(_ first: String, _ second: String) -> Bool {
        contains(first, second) || contains(second, first)
    }

    static func isNormalizedAbsolute(_ path: String) -> Bool {
        guard path.hasPrefix("/") else { return false }
        if path == "/" { return true }
        let parts = path.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
        return !parts.contains { $0.isEmpty || $0 == "." || $0 == ".." }
    }
}

/// Why no plan could be made; each names the variable or path to change.
public enum SandboxPlanError: Error, Equatable, CustomStringConvertible {
    case notAbsolute(name: String, path: String)
    case workspaceOutsideApprovedDirectory(workspace: String)
    case badPort(Int)
    case grantOverlapsApprovedDirectory(name: String, path: String, approved: String)
    case grantOverlapsProtectedPath(name: String, path: String, protected: String)

    public var description: String {
        switch self {
        case .notAbsolute(let name, let path):
            "the \(name) \(path.debugDescription) is not a normalized absolute path"
        case .workspaceOutsideApprovedDirectory(let workspace):
            "the workspace \(workspace.debugDescription) is not inside APPROVED_DIRECTORY"
        case .badPort(let port):
            "\(port) is not a TCP port"
        case .grantOverlapsApprovedDirectory(let name, let path, let approved):
            "the \(name) \(path) would open APPROVED_DIRECTORY (\(approved)) to every job: neither may hold the other (give CLAUDE_HOME a directory of its own; keep APPROVED_DIRECTORY out of system directories such as /opt)"
        case .grantOverlapsProtectedPath(let name, let path, let protected):
            "the \(name) \(path) would let Claude reach \(protected), which holds the executor's keys, sockets or data: move one of them"
        }
    }
}
