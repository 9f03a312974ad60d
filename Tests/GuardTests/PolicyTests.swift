import Guard
import Messages
import Testing

@Suite struct IntakePolicyTests {
    let policy = IntakePolicy(allowedUsers: [1], adminUsers: [2])

    func message(_ text: String?, from user: Int64 = 1, chat: String = "private", bot: Bool = false) -> InboundUpdate {
        InboundUpdate(updateId: 1, receivedAt: 0, kind: .message, sender: .init(id: user, isBot: bot),
                      chat: .init(id: user, type: chat), messageId: 1, text: text)
    }

    @Test func promptsFromAllowedPeopleRun() {
        #expect(policy.decide(message("fix the tests")) == .runPrompt("fix the tests"))
        #expect(policy.decide(message("  hi  ", from: 2)) == .runPrompt("hi"))
    }

    @Test func everyoneElseIsRefusedOrIgnoredWithAReason() {
        if case .reply(let text, let event, _) = policy.decide(message("hi", from: 3)) {
            #expect(event == "access.denied")
            #expect(text.contains("3"))
        } else {
            Issue.record("stranger not refused")
        }
        #expect(policy.decide(message("hi", bot: true)) == .ignore(reason: "message from a bot"))
        #expect(policy.decide(message("hi", chat: "group")) == .ignore(reason: "group chats are not handled yet"))
        #expect(policy.decide(InboundUpdate(updateId: 1, receivedAt: 0, kind: .unsupported, rawKind: "poll"))
            == .ignore(reason: "unsupported update kind poll"))
    }

    @Test func commandsAreAnsweredWithoutClaude() {
        guard case .reply(_, "command", _) = policy.decide(message("/help")) else {
            Issue.record("/help not answered")
            return
        }
        guard case .reply(let text, "command.unknown", _) = policy.decide(message("/rm -rf")) else {
            Issue.record("unknown command not refused")
            return
        }
        #expect(text.contains("/rm"))
        guard case .reply(_, "request.refused", _) = policy.decide(message(nil)) else {
            Issue.record("media without text not refused")
            return
        }
    }
}

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
