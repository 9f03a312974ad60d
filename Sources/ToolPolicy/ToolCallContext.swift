/// What the policy knows about the job a tool call belongs to, besides the call itself.
public struct ToolCallContext: Sendable, Equatable {
    /// The absolute workspace directory of the job; the CLI runs there.
    public var workspace: String
    /// The CLI's HOME, when known (its own state lives under `<home>/.claude`).
    public var home: String?
    /// Whether the kernel confines every process the CLI starts (Landlock: read-write only the workspace, the CLI's
    /// own state and a private temp directory). Only then is ordinary work inside the workspace allowed without
    /// asking; unknown confinement counts as none.
    public var confined: Bool
    /// Whether the workspace holds secret files on disk (`.env*`, keys, …), as the executor found when the job started.
    /// Then a program that runs arbitrary code, or a search over a directory, could read them, and is asked about.
    public var workspaceHoldsSecrets: Bool

    public init(workspace: String, home: String? = nil, confined: Bool = false, workspaceHoldsSecrets: Bool = false) {
        self.workspace = workspace
        self.home = home
        self.confined = confined
        self.workspaceHoldsSecrets = workspaceHoldsSecrets
    }
}
