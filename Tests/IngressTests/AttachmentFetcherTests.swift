import Foundation
@testable import Ingress
import Messages
import Settings
import Telegram
import Testing
import TestSupport

/// Downloads and transcription, as ingress does them for each message, against the fake Bot API and a fake
/// speech-to-text service.
@Suite struct AttachmentFetcherTests {
    static let user = FakeTelegramUser(id: 501, firstName: "Ann")
    static let bot = BotIdentity(id: 123456, username: "gatehouse_test_bot")
    static let voiceKey = "sk-voice-test-key-0123456789"

    /// Gets the next update from the fake and runs it through the translator and the fetcher, as ingress does.
    static func receive(
        _ fixture: IngressFixture, limit: Int = 100_000, voice: FakeTranscriptionServer? = nil
    ) async throws -> InboundUpdate {
        let update = try await fixture.nextUpdate()
        let message = try #require(update.message)
        let transcriber = voice.map {
            VoiceTranscriber(configuration: .init(baseURL: $0.baseURL + "/", apiKey: Secret(voiceKey)), http: fixture.http)
        }
        let fetcher = AttachmentFetcher(
            api: fixture.api, transcriber: transcriber, limit: limit, downloadTimeout: .seconds(10),
            logger: fixture.logs.logger())
        let inbound = await fetcher.complete(
            UpdateTranslator.translate(update, receivedAt: 1, bot: bot, downloadLimit: limit), from: message)
        #expect(try WireCodec.decode(InboundUpdate.self, from: WireCodec.encode(inbound)) == inbound)
        return inbound
    }

    @Test func documentsAndPhotosArriveWithTheirBytes() async throws {
        try await IngressFixture.run { fixture in
            let notes = Data("# Notes\n".utf8)
            fixture.telegram.enqueueDocument(
                from: Self.user, fileName: "notes.md", bytes: notes, mimeType: "text/markdown", caption: "summarise",
                mediaGroupId: "g1")
            let document = try await Self.receive(fixture)
            #expect(document.text == "summarise")
            #expect(document.mediaGroupId == "g1")
            #expect(document.attachments == [.init(kind: .document, fileName: "notes.md", mimeType: "text/markdown",
                                                   size: Int64(notes.count), data: notes)])

            let jpeg = Data([0xFF, 0xD8, 0xFF]) + Data(count: 4000)
            fixture.telegram.enqueuePhoto(from: Self.user, bytes: jpeg, caption: "what is this?", mediaGroupId: "g1")
            let photo = try await Self.receive(fixture)
            #expect(photo.attachments?.first?.kind == .photo)
            #expect(photo.attachments?.first?.data == jpeg)  // the large size, not the thumbnail
            #expect(photo.mediaGroupId == "g1")
            #expect(fixture.telegram.violations.isEmpty)
        }
    }

    @Test func tooLargeFilesAreNotFetchedAndFailuresAreNamed() async throws {
        try await IngressFixture.run { fixture in
            fixture.telegram.enqueueDocument(from: Self.user, fileName: "big.bin", bytes: Data(count: 2000))
            let stated = try await Self.receive(fixture, limit: 1000)
            #expect(stated.attachments?.first?.problem == "too_large")
            #expect(fixture.telegram.calls(to: "getFile").isEmpty)

            // Telegram's stated size is small, the bytes are not: the download itself stops at the limit.
            fixture.telegram.enqueueDocument(from: Self.user, fileName: "liar.bin", bytes: Data(count: 5000), declaredSize: 10)
            let lying = try await Self.receive(fixture, limit: 1000)
            #expect(lying.attachments?.first?.problem == "too_large")
            #expect(lying.attachments?.first?.data == nil)

            fixture.telegram.enqueueDocument(from: Self.user, fileName: "gone.txt", bytes: Data("x".utf8))
            fixture.telegram.failNext(method: "getFile", status: 400, description: "Bad Request: file is temporarily unavailable")
            let failed = try await Self.receive(fixture)
            #expect(failed.attachments?.first?.problem == "download_failed")
            #expect(failed.attachments?.first?.fileName == "gone.txt")
        }
    }

    @Test func otherMediaIsDescribedButNeverDownloaded() async throws {
        try await IngressFixture.run { fixture in
            for kind in ["audio", "video", "animation", "sticker"] {
                fixture.telegram.enqueueMedia(from: Self.user, kind: kind, bytes: Data(count: 10))
                let inbound = try await Self.receive(fixture)
                #expect(inbound.attachments?.first?.kind.rawValue == kind)
                #expect(inbound.attachments?.first?.problem == "not_downloaded")
            }
            #expect(fixture.telegram.calls(to: "getFile").isEmpty)
        }
    }

    @Test func voiceWithoutATranscriptionServiceIsVoiceOff() async throws {
        try await IngressFixture.run { fixture in
            fixture.telegram.enqueueVoice(from: Self.user, bytes: Data("OggS voice".utf8))
            let inbound = try await Self.receive(fixture)
            #expect(inbound.attachments == [.init(kind: .voice, mimeType: "audio/ogg", size: 10, problem: "voice_off")])
            #expect(inbound.text == nil)
            #expect(inbound.transcribed == nil)
            #expect(fixture.telegram.calls(to: "getFile").isEmpty)
        }
    }

    @Test func voiceIsTranscribedIntoTheText() async throws {
        let voice = FakeTranscriptionServer(apiKey: Self.voiceKey)
        try voice.start()
        try await IngressFixture.run { fixture in
            let audio = Data("OggS".utf8) + Data((0..<3000).map { UInt8(truncatingIfNeeded: $0) })
            voice.script(transcript: "  list the projects please \n")
            fixture.telegram.enqueueVoice(from: Self.user, bytes: audio)
            let inbound = try await Self.receive(fixture, voice: voice)
            #expect(inbound.text == "list the projects please")
            #expect(inbound.transcribed == true)
            #expect(inbound.attachments == [.init(kind: .voice, mimeType: "audio/ogg", size: Int64(audio.count))])
            let request = try #require(voice.requests.first)
            #expect(request.model == "whisper-1")
            #expect(request.audio == audio)
            #expect(request.fileName == "voice.ogg")
            #expect(voice.violations.isEmpty)

            voice.failNext(status: 500)
            fixture.telegram.enqueueVoice(from: Self.user, bytes: audio)
            let failed = try await Self.receive(fixture, voice: voice)
            #expect(failed.attachments?.first?.problem == "transcription_failed")
            #expect(failed.text == nil)
            #expect(failed.transcribed == nil)

            for line in fixture.logs.allLines {
                #expect(!line.contains(Self.voiceKey) && !line.contains("list the projects"), "\(line)")
                #expect(!IngressFixture.leaksToken(line), "\(line)")
            }
        }
        await voice.stop()
    }

    @Test func aGroupMessageFromTheFakeIsAddressedByMentionReplyAndTopic() async throws {
        try await IngressFixture.run { fixture in
            let group = FakeTelegramChat(id: -1001, type: "supergroup", title: "Team", isForum: true)
            fixture.telegram.enqueueGroupMessage(from: Self.user, chat: group, text: "@gatehouse_test_bot run the tests", topicId: 9)
            let mention = try await Self.receive(fixture)
            #expect(mention.addressedToBot == true)
            #expect(mention.text == "run the tests")
            #expect(mention.chat == .init(id: -1001, type: "supergroup", threadId: 9))

            fixture.telegram.enqueueGroupMessage(from: Self.user, chat: group, text: "ok", replyTo: 1)
            #expect(try await Self.receive(fixture).addressedToBot == true)
            fixture.telegram.enqueueGroupMessage(from: Self.user, chat: group, text: "/status@someone_else_bot")
            #expect(try await Self.receive(fixture).addressedToBot == false)
            fixture.telegram.enqueueGroupMessage(from: Self.user, chat: group, text: "ask @bob")
            #expect(try await Self.receive(fixture).addressedToBot == false)
        }
    }
}
