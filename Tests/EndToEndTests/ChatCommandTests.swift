import Foundation
import Messages
import TestSupport
import Testing

/// The chat commands end to end with private workspaces, the real programs, the real CLI:
/// directories, listings with buttons, sessions (surviving a guard restart), status, model, export and get — and a
/// second person who never sees the first one's sessions, files or costs.
@Suite(.serialized) struct ChatCommandTests {
    let ann = FakeTelegramUser(id: 1001, firstName: "Ann")
    let bob = FakeTelegramUser(id: 1002, firstName: "Bob")

    var options: GatehouseCluster.Options {
        var options = GatehouseCluster.Options()
        options.allowedUsers = [ann.id, bob.id]
        options.environment = [
            "WORKSPACE_MODE": "private",
            "CLAUDE_ALLOWED_MODELS": "claude-sonnet-4-5,claude-haiku-4-5",
        ]
        return options
    }

    func buttons(_ message: FakeTelegramMessage) -> [(text: String, data: String)] { message.inlineButtons }

    /// Sends `text` and waits for the bot's reply containing `expected`.
    func ask(_ cluster: GatehouseCluster, _ user: FakeTelegramUser, _ text: String, expecting expected: String) async throws -> FakeTelegramMessage {
        let before = cluster.telegram.messages(inChat: user.id).count
        cluster.telegram.enqueueMessage(from: user, text: text)
        let arrived = await cluster.telegram.waitUntil(timeout: .seconds(60)) { server in
            server.messages(inChat: user.id).dropFirst(before).contains { ($0.plainText ?? $0.caption ?? $0.fileName ?? "").contains(expected) }
        }
        let recent = cluster.telegram.messages(inChat: user.id).dropFirst(before)
        try #require(arrived, "no reply containing \(expected.debugDescription) to \(text.debugDescription); got \(recent.map { $0.plainText ?? $0.fileName ?? "-" })")
        return try #require(recent.first { ($0.plainText ?? $0.caption ?? $0.fileName ?? "").contains(expected) })
    }

    /// The default (`admins-shared`): an owner who points APPROVED_DIRECTORY at their projects, as
    /// claude-code-telegram taught them, moves between them; a member stays in their own directory.
    @Test func byDefaultTheAdminWorksInTheApprovedDirectoryAndOthersInTheirOwn() async throws {
        var options = self.options
        options.environment["WORKSPACE_MODE"] = "admins-shared"
        options.environment["ADMIN_USERS"] = String(ann.id)
        try await GatehouseCluster.with(options) { cluster in
            try FileManager.default.createDirectory(at: cluster.approved.appendingPathComponent("shop/.git"), withIntermediateDirectories: true)
            let projects = try await ask(cluster, ann, "/projects", expecting: "Projects")
            #expect(projects.plainText?.contains("shop") == true, "\(projects.plainText ?? "")")
            // claude-code-telegram's /repo NAME and /end work as /cd /NAME and /new.
            _ = try await ask(cluster, ann, "/repo shop", expecting: "Now in /shop")
            _ = try await ask(cluster, ann, "/end", expecting: "Fresh start")
            _ = try await ask(cluster, bob, "/pwd", expecting: "You are in /")
            _ = try await ask(cluster, bob, "/cd /shop", expecting: "not")
            _ = try await ask(cluster, bob, "hello from bob", expecting: "Echo: hello from bob")
            #expect(FileManager.default.fileExists(atPath: cluster.approved.appendingPathComponent("1002").path),
                    "the member does not work in their own directory")
        }
    }

    @Test func directoriesListingsAndFiles() async throws {
        try await GatehouseCluster.with(options) { cluster in
            let home = cluster.approved.appendingPathComponent("1001")
            try FileManager.default.createDirectory(at: home.appendingPathComponent("app/.git"), withIntermediateDirectories: true)
            try FileManager.default.createDirectory(at: home.appendingPathComponent("notes"), withIntermediateDirectories: true)
            try Data("hello from the workspace\n".utf8).write(to: home.appendingPathComponent("app/README.md"))

            _ = try await ask(cluster, ann, "/pwd", expecting: "You are in /")
            let projects = try await ask(cluster, ann, "/projects", expecting: "Projects")
            #expect(projects.plainText?.contains("● app") == true, "git repositories are marked")
            let app = try #require(buttons(projects).first { $0.text.contains("app") })
            cluster.telegram.enqueueCallbackQuery(from: ann, messageId: projects.messageId, data: app.data)
            _ = try #require(await cluster.reply(in: ann.id, containing: "Now in /app"))
            _ = try await ask(cluster, ann, "/pwd", expecting: "You are in /app")
            let listing = try await ask(cluster, ann, "/ls", expecting: "README.md")
            #expect(listing.plainText?.contains("/app") == true)
            let file = try await ask(cluster, ann, "/get README.md", expecting: "README.md")
            #expect(file.documentBytes == Data("hello from the workspace\n".utf8))
            _ = try await ask(cluster, ann, "/cd ../notes", expecting: "Now in /notes")
            _ = try await ask(cluster, ann, "/cd ../../..", expecting: "Now in /")
            _ = try await ask(cluster, ann, "/cd ../1002", expecting: "refused")
            _ = try await ask(cluster, ann, "/get ../../etc/passwd", expecting: "refused")
            _ = try await ask(cluster, ann, "/cd missing", expecting: "not")

            // Bob sees nothing of Ann's.
            _ = try await ask(cluster, bob, "/ls", expecting: "is empty")
            _ = try await ask(cluster, bob, "/cd /1001/app", expecting: "not")
            #expect(cluster.telegram.violations.isEmpty, "\(cluster.telegram.violations)")
        }
    }

    @Test func sessionsSurviveAGuardRestartAndStayPrivate() async throws {
        try await GatehouseCluster.with(options) { cluster in
            _ = try await ask(cluster, ann, "/status", expecting: "Session: none yet")
            _ = try await ask(cluster, ann, "remember the word zebra", expecting: "remember the word zebra")
            let status = try await ask(cluster, ann, "/status", expecting: "Session:")
            #expect(status.plainText?.contains("1 request") == true)

            // The guard restarts: the next message still continues the same session (Claude sees the history).
            #expect(cluster.crash("guard"))
            #expect(await cluster.waitForPrograms(["guard"]))
            _ = try await ask(cluster, ann, "what was the word", expecting: "what was the word")
            let continued = try #require(cluster.anthropic.requests.last { $0.lastUserText == "what was the word" })
            #expect(continued.userTexts.contains("remember the word zebra"), "the session was not continued")

            // The transcript comes back as Markdown.
            let export = try await ask(cluster, ann, "/export", expecting: "transcript.md")
            let markdown = String(decoding: export.documentBytes ?? Data(), as: UTF8.self)
            #expect(markdown.contains("remember the word zebra"))
            // … as a web page that needs nothing else to read, and as JSON with the prompts in order.
            let page = try await ask(cluster, ann, "/export html", expecting: "transcript.html")
            let html = String(decoding: page.documentBytes ?? Data(), as: UTF8.self)
            #expect(html.hasPrefix("<!doctype html>") && html.contains("remember the word zebra") && html.hasSuffix("</html>\n"))
            #expect(!html.contains("<script") && !html.contains("<link") && !html.contains("src="), "the page fetches something")
            let data = try await ask(cluster, ann, "/export json", expecting: "transcript.json")
            let exported = try JSONDecoder().decode(TranscriptExport.self, from: data.documentBytes ?? Data())
            let prompts = exported.entries.filter { $0.role == "person" }.map { $0.text }
            #expect(prompts.contains("remember the word zebra"), "\(exported.entries)")
            #expect(exported.sessionId.count == 36)
            _ = try await ask(cluster, ann, "/export pdf", expecting: "/export html")

            // /resume offers it; Bob has none and no costs.
            let resume = try await ask(cluster, ann, "/resume", expecting: "recent sessions")
            #expect(buttons(resume).count == 1)
            _ = try await ask(cluster, bob, "/resume", expecting: "no sessions yet")
            _ = try await ask(cluster, bob, "/cost", expecting: "$0.00 over 0 requests")

            // /new: the next message starts a fresh session.
            _ = try await ask(cluster, ann, "/new", expecting: "Fresh start")
            _ = try await ask(cluster, ann, "brand new topic", expecting: "brand new topic")
            let fresh = try #require(cluster.anthropic.requests.last { $0.lastUserText == "brand new topic" })
            #expect(!fresh.userTexts.contains("remember the word zebra"))
            let again = try await ask(cluster, ann, "/resume", expecting: "recent sessions")
            #expect(buttons(again).count == 2)

            // The model is chosen from the offered ones and used.
            _ = try await ask(cluster, ann, "/model claude-haiku-4-5", expecting: "Model set to claude-haiku-4-5")
            _ = try await ask(cluster, ann, "which model", expecting: "which model")
            #expect(cluster.anthropic.requests.last { $0.lastUserText == "which model" }?.model.contains("haiku") == true)
            _ = try await ask(cluster, ann, "/model gpt-5", expecting: "not offered")
            #expect(cluster.telegram.violations.isEmpty, "\(cluster.telegram.violations)")
        }
    }

    @Test func continueResumeAndBind() async throws {
        try await GatehouseCluster.with(options) { cluster in
            _ = try await ask(cluster, ann, "/continue", expecting: "No Claude session in / yet")
            _ = try await ask(cluster, ann, "/continue the word is otter", expecting: "the word is otter")
            _ = try await ask(cluster, ann, "/continue", expecting: "continues the session in /")
            _ = try await ask(cluster, ann, "/new", expecting: "Fresh start")
            _ = try await ask(cluster, ann, "another topic", expecting: "another topic")

            // Resume the first session with its button: the next message continues it.
            let resume = try await ask(cluster, ann, "/resume", expecting: "recent sessions")
            let otter = try #require(buttons(resume).first { $0.text.contains("the word is otter") })
            cluster.telegram.enqueueCallbackQuery(from: ann, messageId: resume.messageId, data: otter.data)
            _ = try #require(await cluster.reply(in: ann.id, containing: "Resumed."))
            _ = try await ask(cluster, ann, "which word", expecting: "which word")
            let continued = try #require(cluster.anthropic.requests.last { $0.lastUserText == "which word" })
            #expect(continued.userTexts.contains("the word is otter"))
            #expect(!continued.userTexts.contains("another topic"))

            // A forum topic bound to a directory works there.
            let home = cluster.approved.appendingPathComponent("1001/shop")
            try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
            let group = FakeTelegramChat(id: -100_700, type: "supergroup", title: "team", isForum: true)
            cluster.telegram.enqueueGroupMessage(from: ann, chat: group, text: "/bind shop", topicId: 9)
            _ = try #require(await cluster.reply(in: group.id, containing: "This topic now works in /shop"))
            cluster.telegram.enqueueGroupMessage(from: ann, chat: group, text: "/pwd", topicId: 9)
            cluster.telegram.enqueueGroupMessage(from: ann, chat: group, text: "@gatehouse_test_bot hello shop", topicId: 9)
            _ = try #require(await cluster.reply(in: group.id, containing: "hello shop", timeout: .seconds(60)))
            let sessions = try FileManager.default.contentsOfDirectory(
                atPath: cluster.claudeHomePath + "/.claude/projects")
            #expect(sessions.contains { $0.hasSuffix("1001-shop") }, "the run happened in the bound directory: \(sessions)")
        }
    }

    @Test func helpListsTheCommandsAndTheMenuIsRegistered() async throws {
        try await GatehouseCluster.with(options) { cluster in
            let help = try await ask(cluster, ann, "/help", expecting: "/resume")
            for command in ["/new", "/continue", "/cd", "/ls", "/pwd", "/projects", "/status", "/export", "/get", "/model", "/cost", "/stop"] {
                #expect(help.plainText?.contains(command + " ") == true || help.plainText?.contains(command + "\n") == true, "\(command) missing from /help")
            }
            #expect(await cluster.telegram.waitUntil(timeout: .seconds(10)) { $0.commands != nil }, "setMyCommands was not called")
        }
    }
}
