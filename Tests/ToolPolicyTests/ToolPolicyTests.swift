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

    @Test func globPatternsMayNotClimbOut() {
        #expect(policy.decide(toolName: "Glob", input: .object(["pattern": .string("**/*.swift")]), workspace: workspace) == .allow)
        #expect(policy.decide(toolName: "Glob", input: .object(["pattern": .string("../**")]), workspace: workspace) != .allow)
        #expect(policy.decide(toolName: "Glob", input: .object(["pattern": .string("/etc/*")]), workspace: workspace) != .allow)
    }
}
