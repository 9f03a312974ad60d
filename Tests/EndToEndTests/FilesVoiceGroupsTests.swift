import Foundation
import TestSupport
import Testing

/// Files, photos, albums, voice notes and groups end to end: the real programs, the real CLI, the fake Telegram
/// serving the files, and a fake OpenAI-compatible transcription endpoint.
@Suite(.serialized) struct FilesVoiceGroupsTests {
    let ann = FakeTelegramUser(id: 1001, firstName: "Ann")
    let eve = FakeTelegramUser(id: 2001, firstName: "Eve")
    static let jpeg = Data([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46, 0x00, 0x01]) + Data(repeating: 7, count: 200)

    var options: GatehouseCluster.Options {
        var options = GatehouseCluster.Options()
        options.allowedUsers = [ann.id]
        options.environment = ["WORKSPACE_MODE": "private"]
        return options
    }

    /// The prompt of the model request whose last user text contains `marker`, waiting for it.
    func prompt(containing marker: String, in cluster: GatehouseCluster) async -> String? {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if let text = cluster.anthropic.requests.compactMap(\.lastUserText).first(where: { $0.contains(marker) }) { return text }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return nil
    }

    @Test func documentsPhotosAndAlbumsAreSavedAndClaudeIsTold() async throws {
        try await GatehouseCluster.with(options) { cluster in
            let home = cluster.approved.appendingPathComponent("1001")
            cluster.telegram.enqueueDocument(
                from: ann, fileName: "notes.txt", bytes: Data("buy milk\n".utf8), mimeType: "text/plain", caption: "summarise notes")
            let first = try #require(await prompt(containing: "summarise notes", in: cluster))
            #expect(first.contains("notes.txt"))
            #expect(try String(contentsOf: home.appendingPathComponent("notes.txt"), encoding: .utf8) == "buy milk\n")
            _ = try #require(await cluster.reply(in: ann.id, containing: "summarise notes", timeout: .seconds(60)))

            // The same name again: a numbered copy, never an overwrite.
            cluster.telegram.enqueueDocument(
                from: ann, fileName: "notes.txt", bytes: Data("sell milk\n".utf8), mimeType: "text/plain", caption: "second notes")
            let second = try #require(await prompt(containing: "second notes", in: cluster))
            #expect(second.contains("notes-2.txt"))
            #expect(try String(contentsOf: home.appendingPathComponent("notes.txt"), encoding: .utf8) == "buy milk\n")
            _ = try #require(await cluster.reply(in: ann.id, containing: "second notes", timeout: .seconds(60)))

            // A photo: saved, and Claude is told to look at it.
            cluster.telegram.enqueuePhoto(from: ann, bytes: Self.jpeg, caption: "what is in this picture")
            let photo = try #require(await prompt(containing: "what is in this picture", in: cluster))
            #expect(photo.contains("Look at the image file(s) with the Read tool"))
            let saved = try FileManager.default.contentsOfDirectory(atPath: home.path).filter { $0.hasPrefix("photo-") }
            #expect(saved.count == 1)
            _ = try #require(await cluster.reply(in: ann.id, containing: "what is in this picture", timeout: .seconds(60)))

            // An album of two documents: one prompt with both.
            cluster.telegram.enqueueDocument(
                from: ann, fileName: "a.md", bytes: Data("# A\n".utf8), mimeType: "text/markdown", caption: "compare the album",
                mediaGroupId: "album-7")
            cluster.telegram.enqueueDocument(from: ann, fileName: "b.md", bytes: Data("# B\n".utf8), mimeType: "text/markdown", mediaGroupId: "album-7")
            let album = try #require(await prompt(containing: "compare the album", in: cluster))
            #expect(album.contains("a.md") && album.contains("b.md"))
            try await Task.sleep(for: .seconds(2))
            #expect(cluster.anthropic.requests.filter { ($0.lastUserText ?? "").contains("b.md") }.count == 1, "one prompt for the album")

            // A secret and a program are refused; Claude never sees them.
            let before = cluster.anthropic.requests.count
            cluster.telegram.enqueueDocument(from: ann, fileName: ".env", bytes: Data("KEY=1\n".utf8), caption: "keep this")
            _ = try #require(await cluster.reply(in: ann.id, containing: "I did not take"))
            cluster.telegram.enqueueDocument(
                from: ann, fileName: "tool.txt", bytes: Data([0x7F, 0x45, 0x4C, 0x46, 2, 1, 1, 0]) + Data(repeating: 0, count: 64),
                caption: "run this")
            _ = try #require(await cluster.reply(in: ann.id, containing: "programs cannot be uploaded"))
            #expect(cluster.anthropic.requests.count == before)
            #expect(!FileManager.default.fileExists(atPath: home.appendingPathComponent(".env").path))
            #expect(cluster.telegram.violations.isEmpty, "\(cluster.telegram.violations)")
        }
    }

    /// A zip is unpacked into the workspace: Claude is told what is where, the person gets the list with the
    /// answer. A zip with an entry leaving the folder is refused whole: nothing written, Claude never started.
    @Test func archivesAreUnpackedOrRefusedWhole() async throws {
        try await GatehouseCluster.with(options) { cluster in
            let home = cluster.approved.appendingPathComponent("1001")
            let project = ArchiveFixture.zip([
                try .file("README.md", "# Demo\n"), try .file("src/main.py", String(repeating: "print('hi')\n", count: 40), deflate: true),
            ])
            cluster.telegram.enqueueDocument(
                from: ann, fileName: "project.zip", bytes: Data(project), mimeType: "application/zip", caption: "review the project")
            let prompt = try #require(await prompt(containing: "review the project", in: cluster))
            #expect(prompt.contains("The archive project.zip the user sent was unpacked into the current directory (2 files): README.md, src/main.py"))
            #expect(try String(contentsOf: home.appendingPathComponent("src/main.py"), encoding: .utf8).hasPrefix("print('hi')"))
            _ = try #require(await cluster.reply(in: ann.id, containing: "Unpacked project.zip: 2 files", timeout: .seconds(60)))

            let before = cluster.anthropic.requests.count
            let evil = ArchiveFixture.zip([try .file("fine.txt", "fine"), try .file("../escaped.txt", "out")])
            cluster.telegram.enqueueDocument(from: ann, fileName: "evil.zip", bytes: Data(evil), mimeType: "application/zip", caption: "unpack this")
            let refusal = try #require(await cluster.reply(in: ann.id, containing: "I did not unpack evil.zip", timeout: .seconds(60)))
            #expect((refusal.plainText ?? "").contains("uses .. and could leave the folder"))
            #expect(!FileManager.default.fileExists(atPath: home.appendingPathComponent("fine.txt").path))
            #expect(!FileManager.default.fileExists(atPath: cluster.approved.appendingPathComponent("escaped.txt").path))
            #expect(cluster.anthropic.requests.count == before, "Claude was started for a refused archive")
            #expect(cluster.telegram.violations.isEmpty, "\(cluster.telegram.violations)")
        }
    }

    @Test func voiceNotesAreTranscribedShownAndRun() async throws {
        let transcription = FakeTranscriptionServer(apiKey: "voice-SECRET-key-123")
        try transcription.start()
        transcription.script(transcript: "please list the files")
        var options = options
        options.environment["VOICE_API_BASE_URL"] = transcription.baseURL
        options.environment["VOICE_API_KEY"] = "voice-SECRET-key-123"
        try await GatehouseCluster.with(options) { cluster in
            cluster.telegram.enqueueVoice(from: ann, bytes: Data("OggS-fake-opus".utf8))
            _ = try #require(await cluster.reply(in: ann.id, containing: "I heard: “please list the files”"))
            #expect(await prompt(containing: "please list the files", in: cluster) != nil)
            #expect(transcription.requests.first?.model == "whisper-1")
            #expect(transcription.violations.isEmpty, "\(transcription.violations)")
            #expect(cluster.leakedSecrets().isEmpty)
        }
        await transcription.stop()
    }

    @Test func groupsAnswerOnlyWhatIsForTheBotInTheSameTopic() async throws {
        try await GatehouseCluster.with(options) { cluster in
            let group = FakeTelegramChat(id: -100_500, type: "supergroup", title: "team", isForum: true)
            cluster.telegram.enqueueGroupMessage(from: ann, chat: group, text: "lunch anyone?", topicId: 7)
            cluster.telegram.enqueueGroupMessage(from: ann, chat: group, text: "@gatehouse_test_bot say hi to the team", topicId: 7)
            _ = try #require(await cluster.reply(in: group.id, containing: "say hi to the team", timeout: .seconds(60)))
            let sends = cluster.telegram.calls(to: "sendMessage").filter { $0.parameters["chat_id"]?.integerValue == group.id }
            #expect(!sends.isEmpty && sends.allSatisfy { $0.parameters["message_thread_id"]?.integerValue == 7 },
                    "every answer goes to the same topic")
            #expect(!cluster.anthropic.requests.contains { ($0.lastUserText ?? "").contains("lunch") })
            cluster.telegram.enqueueGroupMessage(from: eve, chat: group, text: "@gatehouse_test_bot rm everything", topicId: 7)
            _ = try #require(await cluster.reply(in: group.id, containing: "not allowed"))
            #expect(!cluster.anthropic.requests.contains { ($0.lastUserText ?? "").contains("rm everything") })
        }
    }
}
