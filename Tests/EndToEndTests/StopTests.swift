import Foundation
import Messages
import TestSupport
import Testing

/// Stopping a running job from the chat reaches the executor, which ends the CLI and everything it started.
@Suite(.serialized) struct StopTests {
    let ann = FakeTelegramUser(id: 1001, firstName: "Ann")

    /// The first button's callback data on a message the bot sent.
    func buttonData(_ message: FakeTelegramMessage) -> String? {
        message.replyMarkup?["inline_keyboard"]?.arrayValue?.first?.arrayValue?.first?["callback_data"]?.stringValue
    }

    func claudeProcesses(in directory: URL) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int32.init).filter { pid in
            let cwd = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/cwd")) ?? ""
            return cwd.hasPrefix(directory.path)
        }
    }

    @Test func theStopButtonStopsTheRunningJob() async throws {
        try await GatehouseCluster.with { cluster in
            cluster.anthropic.setHandler(FakeAnthropicScript.slow(.seconds(60)))
            cluster.telegram.enqueueMessage(from: ann, text: "take your time")
            let status = try #require(await cluster.reply(in: ann.id, containing: "Working on it"), "no status message")
            let data = try #require(buttonData(status))
            let anthropic = cluster.anthropic
            let asked = ContinuousClock.now + .seconds(20)
            while anthropic.requests.isEmpty, ContinuousClock.now < asked { try await Task.sleep(for: .milliseconds(50)) }
            #expect(!anthropic.requests.isEmpty, "the model was never asked")
            #expect(!claudeProcesses(in: cluster.approved).isEmpty, "the CLI should be running")

            cluster.telegram.enqueueCallbackQuery(from: ann, messageId: status.messageId, data: data)
            _ = try #require(await cluster.reply(in: ann.id, containing: "Stopped."), "no final reply after Stop")
            #expect(await cluster.telegram.waitUntil(timeout: .seconds(10)) { $0.unansweredCallbackQueryIds.isEmpty })
            #expect(await cluster.telegram.waitUntil(timeout: .seconds(10)) { server in
                server.messages(inChat: ann.id).first { $0.messageId == status.messageId }?.deleted == true
            }, "the status message was not removed")
            // The CLI and anything it started are gone, and the prompt reached the model exactly once.
            let deadline = ContinuousClock.now + .seconds(10)
            while !claudeProcesses(in: cluster.approved).isEmpty, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(claudeProcesses(in: cluster.approved).isEmpty)
            #expect(cluster.anthropic.requests.filter { $0.lastUserText == "take your time" }.count == 1)
            #expect(cluster.telegram.violations.isEmpty, "\(cluster.telegram.violations)")
        }
    }

    @Test func slashStopStopsTheRunningJob() async throws {
        try await GatehouseCluster.with { cluster in
            cluster.anthropic.setHandler(FakeAnthropicScript.slow(.seconds(60)))
            cluster.telegram.enqueueMessage(from: ann, text: "long task")
            _ = try #require(await cluster.reply(in: ann.id, containing: "Working on it"))
            cluster.telegram.enqueueMessage(from: ann, text: "/stop")
            _ = try #require(await cluster.reply(in: ann.id, containing: "Stopping your request"))
            _ = try #require(await cluster.reply(in: ann.id, containing: "Stopped."))
            #expect(cluster.telegram.violations.isEmpty, "\(cluster.telegram.violations)")
        }
    }
}
