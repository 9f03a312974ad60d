import Messages

/// Whether a tool call can change anything outside the model's own head: a file, a repository, a remote service,
/// a process left running. The guard keeps this for every call it allowed in a job's attempt; an attempt that is
/// lost (its executor or CLI died) is run again by itself only if every call it allowed was `.readOnly`.
public enum ToolEffect: String, Codable, Sendable, Equatable {
    /// Reads and looks, nothing else: running the call again changes nothing.
    case readOnly = "read_only"
    /// Can change something (or is not known not to): never run twice without the person's say.
    case changes
}

extension ToolPolicy {
    /// Tools that only read: files and directories (within what `decide` allows), web searches.
    static let readingTools: Set<String> = ["Read", "NotebookRead", "Glob", "Grep", "LS", "WebSearch"]

    /// What a call can do, whatever the verdict on it: `.readOnly` for the reading tools, the CLI's internal
    /// bookkeeping (a subagent's own calls are classified one by one) and Bash commands the policy would allow
    /// even with no kernel confinement and workspace work always asked about (plain reading: `ls`, `cat`,
    /// `grep`, `git status` …); `.changes` for everything else, unknown tools and unparsable commands included.
    /// Pure: it looks at nothing but its arguments.
    public func effect(toolName: String, input: JSONValue, context: ToolCallContext) -> ToolEffect {
        if Self.readingTools.contains(toolName) || ToolCatalog.internalTools.contains(toolName) { return .readOnly }
        guard toolName == "Bash", let command = input["command"]?.stringValue else { return .changes }
        var strict = bash.configuration
        strict.workspaceWork = .ask
        let unconfined = ToolCallContext(workspace: context.workspace, home: context.home)
        return BashPolicy(configuration: strict).decide(command: command, context: unconfined) == .allow ? .readOnly : .changes
    }
}

extension ToolPolicy {
    /// Whether an executor's compiled-in default policy decides the read-only calls it allows exactly as this
    /// policy does: true unless the operator's file denies or asks about tools, or denies programs.
    public var defaultsHoldForReads: Bool {
        (file.deny ?? []).isEmpty && (file.ask ?? []).isEmpty && (file.bash?.deniedPrograms ?? []).isEmpty
    }

    /// A call the default policy allows and that cannot change anything: an executor may allow it by itself
    /// (WebFetch needs a lookup and AskUserQuestion a person, so never).
    public func allowsAsRead(toolName: String, input: JSONValue, context: ToolCallContext) -> Bool {
        guard toolName != "WebFetch", toolName != "AskUserQuestion" else { return false }
        return decide(toolName: toolName, input: input, context: context) == .allow
            && effect(toolName: toolName, input: input, context: context) == .readOnly
    }
}
