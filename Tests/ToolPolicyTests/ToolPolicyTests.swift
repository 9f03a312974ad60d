import Messages
import Testing
import ToolPolicy

@Suite struct ToolPolicyTests {
    let policy = ToolPolicy()
    let workspace = "/srv/projects/app"

    @Test(arguments: [
        ("Write", "/srv/projects/app/src/a.swift", true),
        ("Read", "src/relative.txt", true),
        ("Edit", "/srv/projects/app", true),
        ("Write", "/srv/projects/app/../other/a", false),
        ("Write", "/srv/projects/application/a", false),
        ("Read", "/etc/passwd", false),
        ("Read", "/srv/projects/app/.env", false),
        ("Read", "/srv/projects/app/.env.local", false),
        ("Read", "/srv/projects/app/keys/server.pem", false),
        ("Read", "/srv/projects/app/id_rsa", false),
        ("Read", "/srv/projects/app/a\u{0}b", false),
        ("Bash", "/srv/projects/app", false),
        ("WebFetch", "/srv/projects/app", false),
    ])
    func filePaths(tool: String, path: String, allowed: Bool) {
        let field = tool == "Bash" ? "command" : "file_path"
        let decision = policy.decide(toolName: tool, input: .object([field: .string(path)]), workspace: workspace)
        #expect((decision == .allow) == allowed, "\(tool) \(path)")
    }

    /// Gatehouse's own `send_file`: a file inside the workspace that holds no secret; never the CLI's own files
    /// (which reads may reach), never outside; and it counts as a change (never re-run, never a local read).
    @Test func sendFileSendsOnlyOrdinaryFilesFromTheWorkspace() {
        let home = "/home/gatehouse"
        let context = ToolCallContext(workspace: workspace, home: home)
        func verdict(_ path: String) -> PolicyVerdict {
            policy.decide(toolName: ToolPolicy.sendFileTool, input: .object(["path": .string(path)]), context: context)
        }
        #expect(verdict("report.pdf") == .allow)
        #expect(verdict("/srv/projects/app/out/chart.png") == .allow)
        #expect(verdict("../other/report.pdf") == .deny(reason: "the path is outside the workspace"))
        #expect(verdict("/etc/passwd") == .deny(reason: "the path is outside the workspace"))
        #expect(verdict(".env") == .deny(reason: "the file holds secrets"))
        #expect(verdict("deploy/id_ed25519") == .deny(reason: "the file holds secrets"))
        #expect(verdict(home + "/.claude/projects/x/y/tool-results/out.txt") == .deny(reason: "the path is outside the workspace"))
        #expect(verdict("") == .deny(reason: "the path is missing"))
        #expect(policy.effect(toolName: ToolPolicy.sendFileTool, input: .object(["path": .string("report.pdf")]), context: context) == .changes)
        #expect(!policy.allowsAsRead(toolName: ToolPolicy.sendFileTool, input: .object(["path": .string("report.pdf")]), context: context))
    }

    @Test func globPatternsMayNotClimbOut() {
        #expect(policy.decide(toolName: "Glob", input: .object(["pattern": .string("**/*.swift")]), workspace: workspace) == .allow)
        #expect(policy.decide(toolName: "Glob", input: .object(["pattern": .string("../**")]), workspace: workspace) != .allow)
        #expect(policy.decide(toolName: "Glob", input: .object(["pattern": .string("/etc/*")]), workspace: workspace) != .allow)
    }
}
