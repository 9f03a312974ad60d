import Foundation
import Guard
import Ledger
import Messages
import Testing

/// The chat surface through the guard's state machine: directories and sessions per person, commands answered
/// with an executor's help (a fake one answering `FileRequest`s here), uploads and albums becoming jobs.
@Suite struct ChatSurfaceTests {
    static func harness(ledger: any Ledger = memoryLedger(), models: [String] = []) -> GuardHarness {
        GuardHarness(allowed: [100, 200], ledger: ledger) { configuration in
            configuration.workspaceMode = .perPerson
            configuration.allowedModels = models
        }
    }

    /// Registers executor "ex1" and answers every file request the guard sends it with `answer`.
    func answering(
        _ out: [Outbound], in guardian: GuardHarness, _ answer: (FileRequest) -> FileResult
    ) async throws -> [Outbound] {
        var replies: [Outbound] = []
        for (_, request) in out.messages(FileRequest.self) {
            replies += try await guardian.send(answer(request), on: .work, from: Data("ex1".utf8))
        }
        return replies
    }

    @Test func cdChecksTheDirectoryOnAnExecutorAndIsRemembered() async throws {
        let ledger = try SQLiteLedger.inMemory()
        let guardian = Self.harness(ledger: ledger)
        _ = try await guardian.registerExecutor("ex1")
        let out = try await guardian.say("/cd app/src", from: 100, updateId: 1)
        let request = try #require(out.messages(FileRequest.self).first?.message)
        #expect(request.operation == .stat && request.path == "100/app/src", "private root of user 100")
        _ = try await answering(out, in: guardian) { FileResult(requestId: $0.requestId, isDirectory: true) }
        #expect(try guardian.pendingReplies(to: 100).last?.text.contains("Now in /app/src") == true)

        // A restarted guard (same ledger) still knows where they are; `..` stops at their root.
        let restarted = Self.harness(ledger: ledger)
        try await restarted.say("/pwd", from: 100, updateId: 2)
        #expect(try restarted.pendingReplies(to: 100).last?.text == "You are in /app/src")
        _ = try await restarted.registerExecutor("ex1")
        let up = try await restarted.say("/cd ../../../..", from: 100, updateId: 3)
        #expect(up.messages(FileRequest.self).first?.message.path == "100")
        try await restarted.say("hello", from: 100, updateId: 4)
        #expect(try restarted.queuedJobs(of: 100).first?.workspace == "100/app/src", "jobs run in the current directory")
    }

    @Test func hostilePathsAreRefusedBeforeAnyExecutorIsAsked() async throws {
        let guardian = Self.harness()
        _ = try await guardian.registerExecutor("ex1")
        for (id, path) in ["../200/secret", "../../etc", "$(id)", "a;b", "..%2f..", "~root"].enumerated() {
            let out = try await guardian.say("/cd \(path)", from: 100, updateId: Int64(id + 1))
            #expect(out.messages(FileRequest.self).isEmpty, "\(path) reached an executor")
        }
        // Six violations in a row also block them for a while, which they are told at once.
        let replies = try guardian.pendingReplies(to: 100).filter { !$0.text.contains("temporarily blocked") }
        #expect(replies.count == 6 && replies.allSatisfy { $0.text.hasPrefix("That path was refused") })
        #expect(try guardian.auditEvents("security.violation").count >= 4)
    }

    @Test func lsAndProjectsShowDirectoriesAsButtonsThatChangeDirectory() async throws {
        let guardian = Self.harness()
        _ = try await guardian.registerExecutor("ex1")
        _ = try await guardian.registerEgress()
        let out = try await guardian.say("/projects", from: 100, updateId: 1)
        _ = try await answering(out, in: guardian) { request in
            FileResult(requestId: request.requestId, entries: [
                .init(name: "app", isDirectory: true, isGitRepository: true), .init(name: "notes.txt", isDirectory: false, size: 3),
            ])
        }
        let listing = try #require(try guardian.pendingReplies(to: 100).last)
        #expect(listing.text.contains("● app"))
        let buttons = try JSONDecoder().decode([[Delivery.Button]].self, from: Data(try #require(listing.buttons).utf8))
        #expect(buttons.count == 1)
        let press = InboundUpdate(
            updateId: 2, receivedAt: 1, kind: .callbackQuery, sender: .init(id: 100), chat: .init(id: 100, type: "private"),
            messageId: 5, callback: .init(id: "cb", data: buttons[0][0].callbackData, messageId: 5))
        let pressed = try await guardian.send(press, on: .intake, from: guardian.ingress)
        #expect(pressed.messages(FileRequest.self).first?.message.path == "100/app")

        // Someone else pressing it gets nothing.
        var stolen = press
        stolen.updateId = 3
        stolen.sender = .init(id: 200)
        let refused = try await guardian.send(stolen, on: .intake, from: guardian.ingress)
        #expect(refused.messages(FileRequest.self).isEmpty)
    }

    @Test func aQuestionAskedBeforeAnyExecutorIsConnectedWaitsForOne() async throws {
        let guardian = Self.harness()
        let early = try await guardian.say("/ls", from: 100, updateId: 1)
        #expect(early.messages(FileRequest.self).isEmpty)
        #expect(try guardian.pendingReplies(to: 100).isEmpty, "no refusal while an executor may still be starting")
        guardian.clock.advance(ms: 1_000)
        _ = await guardian.core.tick()
        let registered = try await guardian.registerExecutor("ex1")
        let asked = try #require(registered.messages(FileRequest.self).first)
        #expect(asked.peer == Data("ex1".utf8) && asked.message.operation == .list && asked.message.path == "100")
        _ = try await answering(registered, in: guardian) { FileResult(requestId: $0.requestId, entries: []) }
        #expect(try guardian.pendingReplies(to: 100).count == 1)
        #expect(try guardian.pendingReplies(to: 100).contains { $0.text.contains("No machine") } == false)
    }

    @Test func aQuestionNoExecutorCanTakeIsAnsweredAfterFiveSeconds() async throws {
        let guardian = Self.harness()
        _ = try await guardian.say("/projects", from: 100, updateId: 1)
        guardian.clock.advance(ms: 4_900)
        _ = await guardian.core.tick()
        #expect(try guardian.pendingReplies(to: 100).isEmpty)
        guardian.clock.advance(ms: 200)
        _ = await guardian.core.tick()
        #expect(try guardian.pendingReplies(to: 100).map(\.text) == ["No machine is available to look at the files right now; try again in a moment."])
        // It is gone: an executor registering later is not asked.
        #expect(try await guardian.registerExecutor("ex1").messages(FileRequest.self).isEmpty)
    }

    @Test func sessionsArePerDirectoryAndNewStartsAFreshOne() async throws {
        let guardian = Self.harness()
        try await guardian.say("first", from: 100, updateId: 1)
        let out = try await guardian.registerExecutor("ex1")
        let job = try #require(out.messages(JobAssignment.self).first?.message)
        #expect(job.resumeSessionId == nil)
        _ = try await guardian.start(job.jobId, on: "ex1")
        _ = try await guardian.send(
            JobResult(jobId: job.jobId, attempt: 1, outcome: .completed, text: "ok", costUSD: 0.01, sessionId: "s-1", finishedAt: 2),
            on: .work, from: Data("ex1".utf8))
        let next = try await guardian.say("second", from: 100, updateId: 2).messages(JobAssignment.self).first?.message
        #expect(next?.resumeSessionId == "s-1", "continues the directory's session")
        try await guardian.say("/resume", from: 100, updateId: 3)
        #expect(try guardian.pendingReplies(to: 100).last?.buttons?.contains("b:") == true)
        try await guardian.say("/resume", from: 200, updateId: 4)
        #expect(try guardian.pendingReplies(to: 200).last?.text == "You have no sessions yet. Send a message to start one.")
        try await guardian.say("/new", from: 100, updateId: 5)
        #expect(try guardian.ledger.session(userId: 100, workspace: "100") == nil)
    }

    @Test func modelIsChosenAmongTheAllowedOnes() async throws {
        let guardian = Self.harness(models: ["claude-sonnet-4-5", "claude-opus-4-1"])
        try await guardian.say("/model claude-opus-4-1", from: 100, updateId: 1)
        try await guardian.say("/model gpt-4", from: 100, updateId: 2)
        let texts = try guardian.pendingReplies(to: 100).map(\.text)
        #expect(texts[0].contains("Model set to claude-opus-4-1"))
        #expect(texts[1].contains("not offered"))
        try await guardian.say("go", from: 100, updateId: 3)
        let job = try await guardian.registerExecutor("ex1").messages(JobAssignment.self).first?.message
        #expect(job?.model == "claude-opus-4-1")
    }

    @Test func uploadsAreCheckedAndTravelWithTheJob() async throws {
        let guardian = Self.harness()
        let png = Data([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46]) + Data(repeating: 0, count: 64)
        var photo = guardian.message(updateId: 1, from: 100, text: "")
        photo.text = nil
        photo.attachments = [.init(kind: .photo, mimeType: "image/jpeg", size: Int64(png.count), data: png)]
        _ = try await guardian.send(photo, on: .intake, from: guardian.ingress)
        var secret = guardian.message(updateId: 2, from: 200, text: "here")
        secret.attachments = [.init(kind: .document, fileName: "id_rsa", data: Data("-----BEGIN".utf8))]
        _ = try await guardian.send(secret, on: .intake, from: guardian.ingress)
        #expect(try guardian.queuedJobs(of: 200).isEmpty)
        #expect(try guardian.pendingReplies(to: 200).last?.text.contains("did not take") == true)
        #expect(try guardian.auditEvents("security.violation").count == 1)
        let job = try #require(try await guardian.registerExecutor("ex1", capacity: 2).messages(JobAssignment.self).first?.message)
        #expect(job.files?.count == 1)
        #expect(job.files?.first?.isImage == true && job.files?.first?.name == "photo-10.jpg")
        #expect(job.prompt == "Please look at the image I sent.")
    }

    @Test func anAlbumBecomesOnePrompt() async throws {
        let guardian = Self.harness()
        for index in 0..<3 {
            var part = guardian.message(updateId: Int64(index + 1), from: 100, text: index == 0 ? "compare these" : "")
            part.text = index == 0 ? "compare these" : nil
            part.mediaGroupId = "album-1"
            part.attachments = [.init(kind: .document, fileName: "note\(index).txt", data: Data("text \(index)\n".utf8))]
            _ = try await guardian.send(part, on: .intake, from: guardian.ingress)
        }
        #expect(try guardian.queuedJobs(of: 100).count == 1)
        #expect(try await guardian.registerExecutor("ex1").messages(JobAssignment.self).isEmpty, "waits for the rest of the album")
        guardian.clock.advance(ms: 1_600)
        let job = try #require(await guardian.core.tick().messages(JobAssignment.self).first?.message)
        #expect(job.files?.map(\.name) == ["note0.txt", "note1.txt", "note2.txt"])
        #expect(job.prompt == "compare these")
    }

    @Test func voiceNotesShowTheirTranscriptOrSayVoiceIsOff() async throws {
        let guardian = Self.harness()
        var voice = guardian.message(updateId: 1, from: 100, text: "make the tests pass")
        voice.transcribed = true
        voice.attachments = [.init(kind: .voice)]
        _ = try await guardian.send(voice, on: .intake, from: guardian.ingress)
        #expect(try guardian.pendingReplies(to: 100).first?.text == "🎙 I heard: “make the tests pass”")
        #expect(try guardian.queuedJobs(of: 100).first?.prompt == "make the tests pass")
        var off = guardian.message(updateId: 2, from: 200, text: "")
        off.text = nil
        off.attachments = [.init(kind: .voice, problem: "voice_off")]
        _ = try await guardian.send(off, on: .intake, from: guardian.ingress)
        #expect(try guardian.pendingReplies(to: 200).first?.text.contains("Voice notes are not enabled") == true)
    }

    @Test func problemCodesFromANewerIngressAreStillRefusedAndAuditedAsSent() async throws {
        let guardian = Self.harness()
        var voice = guardian.message(updateId: 1, from: 100, text: "")
        voice.text = nil
        voice.attachments = [.init(kind: .voice, problem: "speech_service_paused")]
        _ = try await guardian.send(voice, on: .intake, from: guardian.ingress)
        #expect(try guardian.pendingReplies(to: 100).first?.text == "I could not transcribe that voice note; please try again or type it.")
        var file = guardian.message(updateId: 2, from: 200, text: "read this")
        file.attachments = [.init(kind: .document, fileName: "notes.txt", problem: "virus_found")]
        _ = try await guardian.send(file, on: .intake, from: guardian.ingress)
        #expect(try guardian.pendingReplies(to: 200).first?.text.contains("I could not download") == true)
        #expect(try guardian.queuedJobs(of: 100).isEmpty && guardian.queuedJobs(of: 200).isEmpty)
        let refused = try guardian.auditEvents("request.refused") + guardian.auditEvents("upload.refused")
        #expect(refused.map(\.text).contains { $0.contains("speech_service_paused") })
        #expect(refused.map(\.text).contains { $0.contains("virus_found") })
    }

    @Test func groupsAnswerOnlyWhatIsAddressedToTheBotAndTopicsCanBeBound() async throws {
        let guardian = Self.harness()
        _ = try await guardian.registerExecutor("ex1")
        var chatter = guardian.message(updateId: 1, from: 100, text: "lunch?", chatType: "supergroup")
        chatter.chat = .init(id: -500, type: "supergroup", threadId: 7)
        _ = try await guardian.send(chatter, on: .intake, from: guardian.ingress)
        #expect(try guardian.queuedJobs(of: 100).isEmpty)
        var bind = chatter
        bind.updateId = 2
        bind.text = "/bind app"
        let out = try await guardian.send(bind, on: .intake, from: guardian.ingress)
        _ = try await answering(out, in: guardian) { FileResult(requestId: $0.requestId, isDirectory: true) }
        #expect(try guardian.pendingReplies(to: -500).last?.text.contains("This topic now works in /app") == true)
        #expect(try guardian.pendingReplies(to: -500).last?.threadId == 7, "replies go to the topic")
        var ask = chatter
        ask.updateId = 3
        ask.text = "fix it"
        ask.addressedToBot = true
        _ = try await guardian.send(ask, on: .intake, from: guardian.ingress)
        let job = try #require(try guardian.queuedJobs(of: 100).first)
        #expect(job.workspace == "100/app" && job.chatId == -500 && job.threadId == 7)
        var stranger = ask
        stranger.updateId = 4
        stranger.sender = .init(id: 999)
        _ = try await guardian.send(stranger, on: .intake, from: guardian.ingress)
        #expect(try guardian.queuedJobs(of: 999).isEmpty, "the allowlist applies to the person, not the group")
    }
}
