import Foundation
import Messages
import TestSupport
import Testing

/// Telegram-grade delivery through the real programs: long answers are split or sent as a document, progress is
/// shown by editing the status message, 429s are waited out exactly, and refused formatting falls back to plain text.
@Suite(.serialized) struct DeliveryTests {
    let ann = FakeTelegramUser(id: 1001, firstName: "Ann")

    /// A long Markdown answer with paragraphs, a code block and characters that need escaping.
    static func longAnswer(paragraphs: Int) -> String {
        (0..<paragraphs).map { index in
            index % 5 == 4
                ? "```swift\nlet value\(index) = \"<\(index)>\" && true\n" + String(repeating: "print(value)\n", count: 20) + "```"
                : "Paragraph \(index): **bold** text with <angle> & ampersand, 😀 and 日本語. " + String(repeating: "word ", count: 60)
        }.joined(separator: "\n\n")
    }

    @Test func aLongAnswerIsSplitIntoValidMessagesAndNothingIsLost() async throws {
        try await GatehouseCluster.with { cluster in
            let answer = Self.longAnswer(paragraphs: 24)
            cluster.anthropic.setHandler { _ in .text(answer) }
            cluster.telegram.enqueueMessage(from: ann, text: "long please")
            _ = try #require(await cluster.reply(in: ann.id, containing: "Paragraph 23"))
            let parts = cluster.telegram.messages(inChat: ann.id).filter { ($0.plainText ?? "").contains("Paragraph") || ($0.plainText ?? "").contains("print(value)") }
            #expect(parts.count >= 3, "expected several parts, got \(parts.count)")
            for part in parts { #expect((part.plainText ?? "").utf16.count <= 4096) }
            let shown = parts.map { $0.plainText ?? "" }.joined(separator: " ")
            for index in 0..<24 where index % 5 != 4 {
                #expect(shown.contains("Paragraph \(index):"), "paragraph \(index) missing")
            }
            #expect(cluster.telegram.violations.isEmpty, "\(cluster.telegram.violations)")
        }
    }

    @Test func aVeryLongAnswerArrivesAsAMarkdownDocument() async throws {
        var options = GatehouseCluster.Options()
        options.environment = ["DOCUMENT_THRESHOLD": "6000"]
        try await GatehouseCluster.with(options) { cluster in
            let answer = Self.longAnswer(paragraphs: 30)
            cluster.anthropic.setHandler { _ in .text(answer) }
            cluster.telegram.enqueueMessage(from: ann, text: "very long please")
            let telegram = cluster.telegram
            #expect(await telegram.waitUntil(timeout: .seconds(30)) { server in
                server.messages(inChat: 1001).contains { $0.documentFilename != nil }
            })
            let document = try #require(telegram.messages(inChat: ann.id).first { $0.documentFilename != nil })
            #expect(document.documentFilename?.hasSuffix(".md") == true)
            #expect(document.documentBytes.map { String(decoding: $0, as: UTF8.self) } == answer)
            #expect((document.caption ?? "").contains("Paragraph 0"))
            #expect(telegram.violations.isEmpty, "\(telegram.violations)")
        }
    }

    @Test func progressIsShownByEditingTheStatusMessage() async throws {
        try await GatehouseCluster.with { cluster in
            let notes = cluster.approved.appendingPathComponent("notes.txt")
            try "remember the milk\n".write(to: notes, atomically: true, encoding: .utf8)
            let script = FakeAnthropicScript.toolThenText(
                tool: "Read", input: .object(["file_path": .string(notes.path)]), finalText: "Read it.")
            cluster.anthropic.setHandler { request in
                // Slow enough after the tool for the status edit (at most one per 1.5 s) to be seen.
                request.toolResults.isEmpty ? await script(request) : .delayed(.seconds(3), await script(request))
            }
            cluster.telegram.enqueueMessage(from: ann, text: "read my notes")
            let telegram = cluster.telegram
            #expect(await telegram.waitUntil(timeout: .seconds(30)) { server in
                server.messages(inChat: 1001).contains { $0.editCount > 0 && ($0.plainText ?? "").contains("Read: notes.txt") }
            }, "the status message never showed the tool call")
            _ = try #require(await cluster.reply(in: ann.id, containing: "Read it."))
            let status = try #require(telegram.messages(inChat: ann.id).first { ($0.plainText ?? "").hasPrefix("Working on it") })
            #expect(await telegram.waitUntil(timeout: .seconds(10)) { server in
                server.messages(inChat: 1001).first { $0.messageId == status.messageId }?.deleted == true
            })
            #expect(telegram.calls(to: "editMessageText").count <= 3, "too many edits")
            #expect(telegram.violations.isEmpty, "\(telegram.violations)")
        }
    }

    @Test func aRateLimitIsWaitedOutExactlyAndTheAnswerStillArrives() async throws {
        try await GatehouseCluster.with { cluster in
            cluster.anthropic.setHandler { _ in .text("after the pause") }
            cluster.telegram.rateLimit(method: "sendMessage", chatId: ann.id, retryAfter: 2, times: 1)
            let started = ContinuousClock.now
            cluster.telegram.enqueueMessage(from: ann, text: "hello")
            _ = try #require(await cluster.reply(in: ann.id, containing: "after the pause"))
            #expect(ContinuousClock.now - started >= .seconds(2))
            #expect(cluster.telegram.calls(to: "sendMessage").filter { $0.status == 429 }.count == 1)
            // An early retry would be recorded as a violation.
            #expect(cluster.telegram.violations.isEmpty, "\(cluster.telegram.violations)")
        }
    }

    @Test func refusedFormattingFallsBackToTheOriginalTextAsPlainText() async throws {
        try await GatehouseCluster.with { cluster in
            cluster.anthropic.setHandler(FakeAnthropicScript.slow(.seconds(2), then: { _ in .text("Use **bold** and `code` here") }))
            cluster.telegram.enqueueMessage(from: ann, text: "format me")
            _ = try #require(await cluster.reply(in: ann.id, containing: "Working on it"))
            cluster.telegram.failNext(method: "sendMessage", status: 400, description: "Bad Request: can't parse entities: test")
            let reply = try #require(await cluster.reply(in: ann.id, containing: "Use **bold** and `code` here"))
            #expect(reply.parseMode == nil)
            #expect(cluster.telegram.violations.isEmpty, "\(cluster.telegram.violations)")
        }
    }
}
