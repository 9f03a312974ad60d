import Foundation
import Messages
import Subprocess
import TestSupport
import Testing

/// `/git` and the quick actions end to end: the real programs, the real CLI, the fake Telegram. git is run by the
/// executor, inert, in the person's current project.
@Suite(.serialized) struct GitCommandTests {
    let ann = FakeTelegramUser(id: 1001, firstName: "Ann")

    var options: GatehouseCluster.Options {
        var options = GatehouseCluster.Options()
        options.allowedUsers = [ann.id]
        options.environment = ["WORKSPACE_MODE": "private"]
        return options
    }

    func buttons(_ message: FakeTelegramMessage) -> [(text: String, data: String)] { message.inlineButtons }

    /// Sends `text` and waits for the bot's reply (a message or a file) containing `expected`.
    func ask(_ cluster: GatehouseCluster, _ text: String, expecting expected: String) async throws -> FakeTelegramMessage {
        let before = cluster.telegram.messages(inChat: ann.id).count
        cluster.telegram.enqueueMessage(from: ann, text: text)
        return try await arrival(cluster, after: before, containing: expected, for: text)
    }

    func arrival(_ cluster: GatehouseCluster, after before: Int, containing expected: String, for cause: String) async throws -> FakeTelegramMessage {
        let user = ann
        let arrived = await cluster.telegram.waitUntil(timeout: .seconds(60)) { server in
            server.messages(inChat: user.id).dropFirst(before).contains { ($0.plainText ?? $0.caption ?? $0.fileName ?? "").contains(expected) }
        }
        let recent = cluster.telegram.messages(inChat: ann.id).dropFirst(before)
        try #require(arrived, "no reply containing \(expected.debugDescription) to \(cause.debugDescription); got \(recent.map { $0.plainText ?? $0.fileName ?? "-" })")
        return try #require(recent.first { ($0.plainText ?? $0.caption ?? $0.fileName ?? "").contains(expected) })
    }

    /// Plain git in `directory`, as the person would run it there.
    @discardableResult
    func git(_ arguments: [String], in directory: URL) async throws -> String {
        let environment: [String: String] = [
            "PATH": "/usr/bin:/bin", "HOME": directory.path, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": "/dev/null",
            "GIT_AUTHOR_NAME": "Ann", "GIT_AUTHOR_EMAIL": "ann@example.org", "GIT_COMMITTER_NAME": "Ann",
            "GIT_COMMITTER_EMAIL": "ann@example.org",
        ]
        let result = try await Subprocess.run(
            .name("git"), arguments: Arguments(arguments),
            environment: .custom(Dictionary(uniqueKeysWithValues: environment.compactMap { key, value in
                Environment.Key(rawValue: key).map { ($0, value) }
            })),
            workingDirectory: .init(directory.path), output: .string(limit: 1 << 20), error: .discarded)
        return result.standardOutput
    }

    /// Ann's project `app`, a repository with one commit, and her current directory.
    func project(_ cluster: GatehouseCluster) async throws -> URL {
        let app = cluster.approved.appendingPathComponent("1001/app")
        try FileManager.default.createDirectory(at: app, withIntermediateDirectories: true)
        try Data("# App\n".utf8).write(to: app.appendingPathComponent("README.md"))
        try Data("// swift-tools-version:6.0\n".utf8).write(to: app.appendingPathComponent("Package.swift"))
        try await git(["init", "-q", "-b", "main"], in: app)
        try await git(["add", "."], in: app)
        try await git(["commit", "-q", "-m", "Start the app"], in: app)
        _ = try await ask(cluster, "/cd app", expecting: "Now in /app")
        return app
    }

    @Test func gitShowsStatusAndDiffAndALargeDiffAsAFile() async throws {
        try await GatehouseCluster.with(options) { cluster in
            let app = try await project(cluster)
            try Data("# App\nA second line about zebras\n".utf8).write(to: app.appendingPathComponent("README.md"))
            let status = try await ask(cluster, "/git", expecting: "git status")
            #expect(status.plainText?.contains("## main") == true && status.plainText?.contains("M README.md") == true,
                    "\(status.plainText ?? "")")
            #expect(buttons(status).map(\.text) == ["Diff", "Log", "Branches"])

            // The Diff button is the command as if typed.
            let before = cluster.telegram.messages(inChat: ann.id).count
            let diffButton = try #require(buttons(status).first { $0.text == "Diff" })
            cluster.telegram.enqueueCallbackQuery(from: ann, messageId: status.messageId, data: diffButton.data)
            let diff = try await arrival(cluster, after: before, containing: "Changes against the last commit", for: "the Diff button")
            #expect(diff.plainText?.contains("+A second line about zebras") == true, "\(diff.plainText ?? "")")

            let log = try await ask(cluster, "/git log", expecting: "Recent commits")
            #expect(log.plainText?.contains("Ann: Start the app") == true)
            _ = try await ask(cluster, "/git branches", expecting: "* main")
            _ = try await ask(cluster, "/git diff last", expecting: "+# App")

            // Past a message's length the diff is a .diff file.
            let long = (1...400).map { "line \($0) of a long change\n" }.joined()
            try Data(long.utf8).write(to: app.appendingPathComponent("README.md"))
            let file = try await ask(cluster, "/git diff", expecting: "changes.diff")
            let text = String(decoding: file.documentBytes ?? Data(), as: UTF8.self)
            #expect(text.contains("+line 400 of a long change") && text.contains("-# App"), "\(text.prefix(300))")
            _ = try await ask(cluster, "/git push", expecting: "/git diff last")
        }
    }

    @Test func aHostileRepositoryConfigRunsNothing() async throws {
        try await GatehouseCluster.with(options) { cluster in
            let app = try await project(cluster)
            let marker = cluster.approved.appendingPathComponent("planted-ran")
            let plant = cluster.approved.appendingPathComponent("plant.sh")
            try Data("#!/bin/sh\necho \"$0 $*\" >> \(marker.path)\ncat\n".utf8).write(to: plant)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: plant.path)
            try Data("* filter=evil diff=evil\n".utf8).write(to: app.appendingPathComponent(".gitattributes"))
            for (key, value) in [
                ("core.fsmonitor", plant.path), ("core.pager", plant.path), ("diff.external", plant.path),
                ("diff.evil.command", plant.path), ("diff.evil.textconv", plant.path), ("filter.evil.clean", plant.path),
                ("filter.evil.required", "true"), ("log.showSignature", "true"), ("gpg.program", plant.path),
            ] {
                try await git(["config", key, value], in: app)
            }
            let hook = app.appendingPathComponent(".git/hooks/post-index-change")
            try Data("#!/bin/sh\ntouch \(marker.path)\n".utf8).write(to: hook)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: hook.path)
            try Data("# App\nchanged\n".utf8).write(to: app.appendingPathComponent("README.md"))
            // The control: plain git in this repository runs the plant.
            try await git(["diff"], in: app)
            #expect(FileManager.default.fileExists(atPath: marker.path), "the plant does not work, so this proves nothing")
            try FileManager.default.removeItem(at: marker)
            try Data("# App\nchanged again\n".utf8).write(to: app.appendingPathComponent("README.md"))

            _ = try await ask(cluster, "/git", expecting: "M README.md")
            let diff = try await ask(cluster, "/git diff", expecting: "Changes against the last commit")
            #expect(diff.plainText?.contains("+changed again") == true, "\(diff.plainText ?? "")")
            _ = try await ask(cluster, "/git diff last", expecting: "Last commit")
            _ = try await ask(cluster, "/git log", expecting: "Start the app")
            _ = try await ask(cluster, "/git branches", expecting: "main")
            #expect(!FileManager.default.fileExists(atPath: marker.path), "the repository's config ran a program")
        }
    }

    /// The project is surveyed while the model works (the answer does not wait for git), but never before a tool
    /// of the run has changed it: the answer's quick actions show what the run left.
    @Test func theQuickActionsShowWhatTheRunsOwnToolsChanged() async throws {
        try await GatehouseCluster.with(options) { cluster in
            let app = try await project(cluster)
            let clean = try await ask(cluster, "anything to do?", expecting: "Echo: anything to do?")
            #expect(!buttons(clean).map(\.text).contains("✅ Commit"), "\(buttons(clean).map(\.text))")
            cluster.anthropic.setHandler(FakeAnthropicScript.toolThenText(
                marker: "WRITE-NOTES", tool: "Write",
                input: .object(["file_path": .string(app.appendingPathComponent("NOTES.md").path), "content": .string("notes\n")]),
                finalText: "Wrote the notes."))
            let changed = try await ask(cluster, "WRITE-NOTES please", expecting: "Wrote the notes.")
            #expect(buttons(changed).map(\.text).contains("✅ Commit"), "\(buttons(changed).map(\.text))")
        }
    }

    @Test func anAnswerInAGitProjectOffersQuickActionsAndRunTestsStartsAJob() async throws {
        try await GatehouseCluster.with(options) { cluster in
            let app = try await project(cluster)
            try Data("# App\nnew words\n".utf8).write(to: app.appendingPathComponent("README.md"))
            let answer = try await ask(cluster, "hello there", expecting: "Echo: hello there")
            #expect(buttons(answer).map(\.text) == ["🧪 Run tests", "📄 Show diff", "✅ Commit", "↩️ Undo last change"],
                    "\(buttons(answer).map(\.text))")
            let run = try #require(buttons(answer).first { $0.text.contains("Run tests") })
            let before = cluster.telegram.messages(inChat: ann.id).count
            cluster.telegram.enqueueCallbackQuery(from: ann, messageId: answer.messageId, data: run.data)
            _ = try await arrival(cluster, after: before, containing: "Echo: Run the tests with", for: "the Run tests button")
            let asked = try #require(cluster.anthropic.requests.last?.lastUserText)
            #expect(asked == "Run the tests with `swift test` and tell me what failed.")

            // /actions shows them on demand.
            let actions = try await ask(cluster, "/actions", expecting: "Quick actions for /app")
            #expect(buttons(actions).map(\.text).contains("📄 Show diff"))
        }
    }
}
