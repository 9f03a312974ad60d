import Foundation
import Messages
import TestSupport
import Testing

/// Claude's AskUserQuestion tool, through the real CLI: its options appear as buttons and the choice reaches Claude.
@Suite(.serialized) struct AskUserQuestionTests {
    let ann = FakeTelegramUser(id: 1001, firstName: "Ann", username: "ann")

    @Test func theChosenOptionGoesBackToClaude() async throws {
        try await GatehouseCluster.with { cluster in
            let question: JSONValue = .object(["questions": .array([.object([
                "question": .string("Which database should I use?"), "header": .string("Database"),
                "multiSelect": .bool(false),
                "options": .array([
                    .object(["label": .string("SQLite"), "description": .string("A file")]),
                    .object(["label": .string("Postgres"), "description": .string("A server")]),
                ]),
            ])])])
            cluster.anthropic.setHandler { request in
                if let result = request.toolResults.last { return .text("GOT: \(result.text.prefix(300))") }
                return .toolUse(name: "AskUserQuestion", input: question)
            }
            cluster.telegram.enqueueMessage(from: ann, text: "set up storage")
            let asked = try #require(await cluster.reply(in: ann.id, containing: "Which database should I use?"))
            let buttons = asked.replyMarkup?["inline_keyboard"]?.arrayValue?.compactMap { $0.arrayValue?.first } ?? []
            #expect(buttons.map { $0["text"]?.stringValue ?? "" } == ["SQLite", "Postgres", "Don't answer"])
            let postgres = try #require(buttons[1]["callback_data"]?.stringValue)
            cluster.telegram.enqueueCallbackQuery(from: ann, messageId: asked.messageId, data: postgres)
            let reply = try #require(await cluster.reply(in: ann.id, containing: "GOT:"))
            #expect(reply.plainText?.contains("Postgres") == true, "the answer did not reach Claude: \(reply.plainText ?? "")")
            #expect(cluster.telegram.violations.isEmpty, "\(cluster.telegram.violations)")
        }
    }
}
