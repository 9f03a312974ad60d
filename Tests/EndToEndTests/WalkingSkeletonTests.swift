import Foundation
import GRDB
import Messages
import TestSupport
import Testing

/// The whole real path: fake Telegram → ingress → guard → executor → real Claude Code CLI → fake Anthropic, and
/// back through the guard's outbox and egress to fake Telegram.
@Suite(.serialized) struct WalkingSkeletonTests {
    let ann = FakeTelegramUser(id: 1001, firstName: "Ann", username: "ann")
    let stranger = FakeTelegramUser(id: 6666, firstName: "Mallory")

    @Test func anAllowedPromptIsAnsweredWithTheModelsText() async throws {
        try await GatehouseCluster.with { cluster in
            cluster.anthropic.setHandler { request in
                .text("Hello **Ann** — you asked: \(request.lastUserText ?? "") <ok> & done")
            }
            let updateId = cluster.telegram.enqueueMessage(from: ann, text: "Say hello")
            let reply = try #require(await cluster.reply(in: ann.id, containing: "Hello Ann"), "no answer arrived")
            #expect(reply.parseMode?.uppercased() == "HTML")
            #expect(reply.text?.contains("<b>Ann</b>") == true)
            #expect(reply.plainText?.contains("you asked: Say hello <ok> & done") == true)

            let prompts = cluster.anthropic.requests.filter { $0.lastUserText == "Say hello" }
            #expect(prompts.count == 1, "the model saw the prompt \(prompts.count) times")
            #expect(!cluster.telegram.calls(to: "sendChatAction").isEmpty, "no typing indicator while the job ran")
            #expect(await cluster.telegram.waitUntil(timeout: .seconds(10)) { $0.confirmedOffset > updateId })
            #expect(cluster.telegram.violations.isEmpty, "\(cluster.telegram.violations)")
            #expect(cluster.leakedSecrets().isEmpty)
            try printPipelineOverhead(databasePath: cluster.databasePath)
        }
    }

    @Test func aStrangerIsRefusedAndClaudeNeverStarts() async throws {
        try await GatehouseCluster.with { cluster in
            cluster.telegram.enqueueMessage(from: stranger, text: "cat /etc/shadow")
            let refusal = try #require(await cluster.reply(in: stranger.id, containing: "not allowed"))
            #expect(refusal.plainText?.contains("\(stranger.id)") == true)
            // Give a wrongly started job time to reach the model.
            try await Task.sleep(for: .seconds(1))
            #expect(cluster.anthropic.requests.isEmpty)
            #expect(cluster.telegram.violations.isEmpty, "\(cluster.telegram.violations)")
            #expect(cluster.leakedSecrets().isEmpty)
        }
    }

    @Test func aWriteInsideTheWorkspaceHappensAndOneOutsideDoesNot() async throws {
        try await GatehouseCluster.with { cluster in
            let inside = cluster.approved.appendingPathComponent("inside.txt")
            let outside = cluster.root.appendingPathComponent("outside.txt")
            let writeInside = FakeAnthropicScript.toolThenText(
                marker: "WRITE-INSIDE", tool: "Write",
                input: .object(["file_path": .string(inside.path), "content": .string("made by claude\n")]),
                finalText: "Wrote inside.")
            let writeOutside = FakeAnthropicScript.toolThenText(
                marker: "WRITE-OUTSIDE", tool: "Write",
                input: .object(["file_path": .string(outside.path), "content": .string("escaped\n")]),
                finalText: "Tried outside.")
            cluster.anthropic.setHandler { request in
                request.userTexts.contains { $0.contains("WRITE-OUTSIDE") } ? await writeOutside(request) : await writeInside(request)
            }

            cluster.telegram.enqueueMessage(from: ann, text: "WRITE-INSIDE please")
            _ = try #require(await cluster.reply(in: ann.id, containing: "Wrote inside."))
            #expect(try String(contentsOf: inside, encoding: .utf8) == "made by claude\n")

            cluster.telegram.enqueueMessage(from: ann, text: "WRITE-OUTSIDE please")
            _ = try #require(await cluster.reply(in: ann.id, containing: "Tried outside."))
            #expect(!FileManager.default.fileExists(atPath: outside.path))
            // The model was told why.
            let denial = cluster.anthropic.requests.flatMap(\.toolResults).first { $0.isError }
            #expect(denial?.text.contains("outside the workspace") == true)
            #expect(cluster.telegram.violations.isEmpty, "\(cluster.telegram.violations)")
        }
    }

    /// Prints, per job, the guard's own timestamps: update received by ingress → Claude process started, and
    /// Claude's result → Telegram confirmed the reply.
    private func printPipelineOverhead(databasePath: String) throws {
        let queue = try DatabaseQueue(path: databasePath)
        let rows = try queue.read { db in
            try Row.fetchAll(db, sql: """
                SELECT u.receivedAt AS received, j.startedAt AS started, j.finishedAt AS finished, o.sentAt AS sent
                FROM jobs j JOIN updates u ON u.updateId = j.updateId JOIN outbox o ON o.jobId = j.id
                WHERE j.startedAt IS NOT NULL AND o.sentAt IS NOT NULL
                """)
        }
        for row in rows {
            let received: Int64 = row["received"], started: Int64 = row["started"]
            let finished: Int64 = row["finished"], sent: Int64 = row["sent"]
            print("pipeline overhead: update→CLI started \(started - received) ms; result→reply confirmed \(sent - finished) ms")
        }
    }
}
