import Foundation
import Messages
import TestSupport
import Testing

/// A voice note through the whole real path: fake Telegram → ingress (download, transcription at a fake
/// OpenAI-compatible service) → guard → executor → real Claude Code CLI, which receives the transcript as the prompt.
@Suite(.serialized) struct VoiceTests {
    let ann = FakeTelegramUser(id: 1001, firstName: "Ann", username: "ann")
    static let voiceKey = "sk-voice-e2e-SECRET-key-0123456789"

    @Test func aVoiceNoteReachesClaudeAsItsTranscript() async throws {
        let voice = FakeTranscriptionServer(apiKey: Self.voiceKey)
        try voice.start()
        var options = GatehouseCluster.Options()
        options.environment = [
            "VOICE_API_BASE_URL": voice.baseURL, "VOICE_API_KEY": Self.voiceKey, "VOICE_MODEL": "whisper-test",
        ]
        try await GatehouseCluster.with(options) { cluster in
            let transcript = "list the files in this project please"
            voice.script(transcript: transcript)
            cluster.anthropic.setHandler { request in .text("Heard: \(request.lastUserText ?? "")") }
            let audio = Data("OggS".utf8) + Data((0..<20_000).map { UInt8(truncatingIfNeeded: $0 &* 7) })
            let updateId = cluster.telegram.enqueueVoice(from: ann, bytes: audio)

            _ = try #require(await cluster.reply(in: ann.id, containing: "Heard: \(transcript)"), "no answer to the voice note")
            #expect(cluster.anthropic.requests.contains { $0.lastUserText == transcript })
            let request = try #require(voice.requests.first)
            #expect(request.audio == audio)
            #expect(request.model == "whisper-test")
            #expect(voice.violations.isEmpty, "\(voice.violations)")
            #expect(await cluster.telegram.waitUntil(timeout: .seconds(10)) { $0.confirmedOffset > updateId })

            // Ingress set the command menu at start, from the one catalog, without the administrator commands.
            let menu = try #require(cluster.telegram.commandNames())
            #expect(menu == BotCommands.offered(admin: false, tokenAuth: false).map(\.name))
            #expect(cluster.telegram.violations.isEmpty, "\(cluster.telegram.violations)")
            #expect(cluster.leakedSecrets().isEmpty)
            #expect(!cluster.logs().contains(transcript), "the transcript was logged")
        }
        await voice.stop()
    }
}
