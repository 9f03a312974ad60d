import Messages
import Testing

@Suite struct SecretRedactorTests {
    @Test(arguments: [
        ("curl -H 'Authorization: Bearer abcdef123456789' https://api.example.com", "abcdef123456789"),
        ("export ANTHROPIC_API_KEY=sk-ant-api03-AAAABBBBCCCCDDDD", "sk-ant-api03-AAAABBBBCCCCDDDD"),
        ("git clone https://alice:hunter22@github.com/acme/app.git", "hunter22"),
        ("psql postgres://app:s3cr3tpass@db:5432/app", "s3cr3tpass"),
        ("mysql --password=topsecretvalue -u root", "topsecretvalue"),
        ("gh auth login --with-token ghp_0123456789abcdefghijABCDEFGHIJ", "ghp_0123456789abcdefghijABCDEFGHIJ"),
        ("aws configure set aws_access_key_id AKIAIOSFODNN7EXAMPLE", "AKIAIOSFODNN7EXAMPLE"),
        ("curl https://api.telegram.org/bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/getMe", "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"),
        ("token: xoxb-1234567890-abcdefghij", "xoxb-1234567890-abcdefghij"),
    ])
    func secretsAreRemoved(text: String, secret: String) {
        let redacted = SecretRedactor.redact(text)
        #expect(!redacted.contains(secret), "\(redacted)")
        #expect(redacted.contains("[redacted]"))
    }

    @Test func ordinaryTextIsLeftAlone() {
        for text in ["swift test --filter GuardTests", "ls -la src", "git log --oneline -5", "cat README.md"] {
            #expect(SecretRedactor.redact(text) == text)
        }
    }

    @Test func toolSummariesAreShortRelativeAndRedacted() {
        let workspace = "/srv/projects/app"
        #expect(ToolSummary.describe(tool: "Read", input: .object(["file_path": .string("/srv/projects/app/src/a.swift")]), workspace: workspace) == "src/a.swift")
        #expect(ToolSummary.describe(tool: "Grep", input: .object(["pattern": .string("TODO"), "path": .string("/srv/projects/app/src")]), workspace: workspace) == "TODO in src")
        let bash = ToolSummary.describe(tool: "Bash", input: .object(["command": .string("curl -u bob:pa55word123 https://x.test/\n" + String(repeating: "x", count: 300))]), workspace: workspace)
        #expect(!bash.contains("pa55word123"))
        #expect(!bash.contains("\n"))
        #expect(bash.count <= ToolSummary.limit)
    }
}
