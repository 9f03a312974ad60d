/// The tools Claude Code offers besides the file tools, Bash and the web tools, each with a deliberate verdict.
/// The PreToolUse hook sends every call here, including those the CLI used to allow by itself.
enum ToolCatalog {
    /// Bookkeeping inside the CLI: they touch no file, run nothing and send nothing. A subagent (`Task`/`Agent`)
    /// is allowed because each of its own tool calls passes the hook too.
    static let internalTools: Set<String> = [
        "TodoWrite", "TodoRead", "TaskCreate", "TaskGet", "TaskList", "TaskUpdate", "Task", "Agent", "ToolSearch",
        "EnterPlanMode", "ExitPlanMode", "ListAgents", "TaskOutput", "TaskStop", "BashOutput", "KillShell", "KillBash",
        "Skill", "AskUserQuestion", "ReportFindings", "StructuredOutput", "CronList", "Sleep",
    ]

    /// Tools that schedule work for later, send things outside the chat or change the CLI's own setup: asked, with
    /// what they do. The operator's `allow` list can still allow them.
    static let asked: [String: String] = [
        "CronCreate": "schedules a task to run later",
        "CronDelete": "removes a scheduled task",
        "ScheduleWakeup": "schedules Claude to wake up and work later",
        "Monitor": "starts a background monitor that runs a command",
        "SendMessage": "sends a message to another agent or person",
        "SendUserMessage": "sends a message outside this chat",
        "PushNotification": "sends a push notification",
        "Workflow": "starts a workflow",
        "EnterWorktree": "creates a git worktree and moves the session into it",
        "ExitWorktree": "leaves (and may remove) a git worktree",
        "RemoteTrigger": "triggers a remote agent",
        "TeamCreate": "creates a team of agents",
        "TeamDelete": "removes a team of agents",
        "ListMcpResourcesTool": "lists an MCP server's resources",
        "ReadMcpResourceTool": "reads a resource from an MCP server",
        "WebBrowser": "drives a web browser",
        "Config": "changes Claude Code's settings",
        "LSP": "queries a language server",
    ]

    /// The reason an asked tool is asked about, or nil when the tool is not one of them.
    static func question(for toolName: String) -> String? {
        if let what = asked[toolName] { return "\(toolName) \(what)" }
        if toolName.hasPrefix("mcp__") {
            let rest = toolName.dropFirst(5)
            let server = rest.ranges(of: "__").first.map { String(rest[..<$0.lowerBound]) } ?? String(rest)
            return "\(toolName) calls the MCP server `\(server)`, which the policy cannot see into"
        }
        return nil
    }
}
