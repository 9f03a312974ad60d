import Messages
import Testing
import ToolPolicy

/// What a tool call can change, which decides whether a lost attempt may be run again by itself.
@Suite struct ToolEffectTests {
    let policy = ToolPolicy()
    let confined = ToolCallContext(workspace: "/srv/projects/app", home: "/home/claude", confined: true)

    @Test(arguments: [
        ("Read", ["file_path": "/srv/projects/app/a.swift"]),
        ("Glob", ["pattern": "**/*.swift"]),
        ("Grep", ["pattern": "TODO", "path": "/srv/projects/app"]),
        ("LS", ["path": "/srv/projects/app"]),
        ("WebSearch", ["query": "swift testing"]),
        ("TodoWrite", [:]),
        ("Task", ["description": "look around"]),
        ("Bash", ["command": "ls -la src"]),
        ("Bash", ["command": "cat README.md | head -5"]),
        ("Bash", ["command": "grep -R TODO src"]),
        ("Bash", ["command": "git status"]),
        ("Bash", ["command": "git log --oneline -5"]),
    ])
    func readsChangeNothing(tool: String, fields: [String: String]) {
        let input = JSONValue.object(fields.mapValues { .string($0) })
        #expect(policy.effect(toolName: tool, input: input, context: confined) == .readOnly)
    }

    @Test(arguments: [
        ("Write", ["file_path": "/srv/projects/app/a.swift", "content": "x"]),
        ("Edit", ["file_path": "/srv/projects/app/a.swift"]),
        ("MultiEdit", ["file_path": "/srv/projects/app/a.swift"]),
        ("NotebookEdit", ["notebook_path": "/srv/projects/app/a.ipynb"]),
        ("WebFetch", ["url": "https://example.com/hook?do=1"]),
        ("CronCreate", [:]),
        ("mcp__slack__post", ["text": "hi"]),
        ("SomethingNew", [:]),
        // Ordinary workspace work a confined CLI is allowed without asking still changes things.
        ("Bash", ["command": "echo hi > notes.txt"]),
        ("Bash", ["command": "mkdir build"]),
        ("Bash", ["command": "sed -i s/a/b/ a.txt"]),
        ("Bash", ["command": "swift test"]),
        ("Bash", ["command": "git commit -am x"]),
        ("Bash", ["command": "git push"]),
        ("Bash", ["command": "curl https://example.com"]),
        ("Bash", ["command": "rm -rf build"]),
        ("Bash", ["command": "ls $("]),
    ])
    func everythingElseChanges(tool: String, fields: [String: String]) {
        let input = JSONValue.object(fields.mapValues { .string($0) })
        #expect(policy.effect(toolName: tool, input: input, context: confined) == .changes)
    }

    @Test func aBashCallWithoutACommandChanges() {
        #expect(policy.effect(toolName: "Bash", input: .object([:]), context: confined) == .changes)
    }

    @Test func theOperatorsReadOnlyProgramsCountAsReads() {
        var file = ToolPolicyFile()
        file.bash = .init(readOnlyPrograms: ["kubectl-get"])
        let policy = ToolPolicy(file: file)
        #expect(policy.effect(toolName: "Bash", input: .object(["command": .string("kubectl-get pods")]), context: confined) == .readOnly)
    }
}
