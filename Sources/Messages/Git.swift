/// What `/git` shows of the person's current project. Read-only views only: the executor runs git itself, made inert
/// (no hooks, filters, external diffs or pagers), never through Claude.
public enum GitView: String, Codable, Sendable, CaseIterable {
    /// `git status`: the branch and what changed.
    case status
    /// The working tree's changes against the last commit, staged or not.
    case diff
    /// The last commit and its changes.
    case lastCommit = "last"
    /// Recent commits, one line each.
    case log
    /// Local and remote branches.
    case branches

    /// The word after `/git` that asks for this view (`/git diff last` for the last commit).
    public var argument: String {
        switch self {
        case .status: "status"
        case .diff: "diff"
        case .lastCommit: "diff last"
        case .log: "log"
        case .branches: "branches"
        }
    }

    /// The view `/git <arguments>` asks for; nil for anything else.
    public init?(arguments: [String]) {
        switch arguments.map({ $0.lowercased() }) {
        case [], ["status"]: self = .status
        case ["diff"]: self = .diff
        case ["diff", "last"], ["show"], ["last"]: self = .lastCommit
        case ["log"]: self = .log
        case ["branches"], ["branch"]: self = .branches
        default: return nil
        }
    }
}

/// What the executor saw of a project directory (after a job, or for `/actions`): the facts the quick actions are
/// chosen from.
public struct ProjectFacts: Codable, Sendable, Equatable {
    /// The directory is inside a git working tree (whose repository is inside the approved directory).
    public var isGitRepository: Bool
    /// `git status` lists anything: changed, staged or untracked files.
    public var hasChanges: Bool
    /// The project's test command, found in its files (`Package.swift` → `swift test`, …); nil when none is.
    public var testCommand: String?

    public init(isGitRepository: Bool, hasChanges: Bool, testCommand: String?) {
        self.isGitRepository = isGitRepository
        self.hasChanges = hasChanges
        self.testCommand = testCommand
    }
}
