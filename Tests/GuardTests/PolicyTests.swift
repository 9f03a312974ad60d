import Guard
import Messages
import Testing

@Suite struct IntakePolicyTests {
    let policy = IntakePolicy(tokenAuthEnabled: false)
    let inputs = Standing.Inputs(allowedUsers: [1], adminUsers: [2], tokenAuthEnabled: false, sessionTimeoutMs: 60_000)

    func message(_ text: String?, from user: Int64 = 1, chat: String = "private", bot: Bool = false) -> InboundUpdate {
        InboundUpdate(updateId: 1, receivedAt: 0, kind: .message, sender: .init(id: user, isBot: bot),
                      chat: .init(id: user, type: chat), messageId: 1, text: text)
    }

    func decide(_ update: InboundUpdate) -> IntakePolicy.Decision {
        let standing = update.sender.map { Standing.of($0.id, member: nil, session: nil, inputs: inputs, now: 0) }
        return policy.decide(update, standing: standing)
    }

    @Test func promptsFromAllowedPeopleRun() {
        #expect(decide(message("fix the tests")) == .runPrompt("fix the tests"))
        #expect(decide(message("  hi  ", from: 2)) == .runPrompt("hi"))
    }

    @Test func everyoneElseIsRefusedOrIgnoredWithAReason() {
        if case .refuse(let text, let event, _, _) = decide(message("hi", from: 3)) {
            #expect(event.rawValue == "access.denied")
            #expect(text.contains("3"))
        } else {
            Issue.record("stranger not refused")
        }
        #expect(decide(message("hi", bot: true)) == .ignore(reason: "message from a bot"))
        #expect(decide(message("hi", chat: "group")) == .ignore(reason: "group message not addressed to the bot"))
        #expect(decide(message("hi", chat: "channel")) == .ignore(reason: "channel chats are not handled"))
        #expect(decide(InboundUpdate(updateId: 1, receivedAt: 0, kind: .unsupported, rawKind: "poll"))
            == .ignore(reason: "unsupported update kind poll"))
    }

    @Test func commandsAreAnsweredWithoutClaude() {
        guard case .reply(_, .command, _) = decide(message("/help")) else {
            Issue.record("/help not answered")
            return
        }
        guard case .reply(let text, .commandUnknown, _) = decide(message("/rm -rf")) else {
            Issue.record("unknown command not refused")
            return
        }
        #expect(text.contains("/rm"))
        guard case .reply(_, .requestRefused, _) = decide(message(nil)) else {
            Issue.record("media without text not refused")
            return
        }
    }

    @Test func helpListsExactlyTheCommandsThatExist() {
        guard case .reply(let userHelp, _, _) = decide(message("/help")),
            case .reply(let adminHelp, _, _) = decide(message("/help", from: 2))
        else {
            Issue.record("/help not answered")
            return
        }
        let listed = { (text: String) in
            Set(text.split(separator: "\n").compactMap { $0.split(separator: " ").first }.filter { $0.hasPrefix("/") }.map(String.init))
        }
        #expect(listed(userHelp) == Set(BotCommands.offered(admin: false, tokenAuth: false).map { "/" + $0.name }))
        #expect(!listed(userHelp).contains("/users") && !listed(userHelp).contains("/auth"))
        #expect(listed(adminHelp).isSuperset(of: ["/users", "/allow"]))
        for command in listed(adminHelp) {
            guard case .reply(_, .commandUnknown, _) = decide(message(command, from: 2)) else { continue }
            Issue.record("\(command) is listed but unknown")
        }
    }

    /// claude-code-telegram's names work, and /help names each once, on the line of the command it stands for.
    @Test func claudeCodeTelegramNamesAreAliases() {
        #expect(decide(message("/end")) == .command(.newSession))
        #expect(decide(message("/repo")) == .command(.projects))
        #expect(decide(message("/repo shop")) == .command(.cd("/shop")))
        guard case .reply(let help, _, _) = decide(message("/help")) else {
            Issue.record("/help not answered")
            return
        }
        let lines = help.split(separator: "\n")
        #expect(lines.filter { $0.contains("/end") }.count == 1 && lines.contains { $0.hasPrefix("/new") && $0.contains("(also /end)") })
        #expect(lines.filter { $0.contains("/repo") }.count == 1 && lines.contains { $0.hasPrefix("/projects") && $0.contains("/repo [name]") })
        #expect(!BotCommands.all.contains { $0.name == "end" || $0.name == "repo" }, "an alias in Telegram's menu")
    }

    @Test func exportTakesAFormat() {
        #expect(decide(message("/export")) == .command(.export(.markdown)))
        #expect(decide(message("/export HTML")) == .command(.export(.html)))
        #expect(decide(message("/export json")) == .command(.export(.json)))
        guard case .reply(let text, .commandInvalid, _) = decide(message("/export pdf")) else {
            Issue.record("an unknown format was not refused")
            return
        }
        #expect(text.contains("/export html") && text.contains("/export json"))
    }
}
