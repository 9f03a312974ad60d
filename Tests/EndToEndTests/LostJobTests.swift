import Foundation
import Messages
import TestSupport
import Testing

/// With the real programs and the real CLI: a job whose executor or CLI is killed before anything changed is run
/// again by itself and answered once; one that had written is a notice naming the write; a session whose
/// transcript is gone starts a new one without breaking the chat.
@Suite(.serialized) struct LostJobTests {
    let ann = FakeTelegramUser(id: 1001, firstName: "Ann")
    /// The guard's line before an answer from a fresh session (`ReplyTexts.freshSession`).
    static let freshSession = "Your previous session could not be continued; this answer starts a new one."

    /// Final replies (those answering a message) in Ann's chat.
    func finalReplies(_ cluster: GatehouseCluster) -> [String] {
        cluster.telegram.calls(to: "sendMessage").compactMap { call in
            guard call.succeeded, call.parameters["reply_parameters"]?["message_id"]?.integerValue != nil else { return nil }
            return call.parameters["text"]?.stringValue
        }
    }

    func claudeProcesses(in directory: URL) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int32.init).filter { pid in
            let cwd = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/cwd")) ?? ""
            let name = (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8)) ?? ""
            return cwd.hasPrefix(directory.path) && name.hasPrefix("claude")
        }
    }

    /// Waits until the model has the prompt, and says which executor runs it.
    func runningOn(_ cluster: GatehouseCluster, prompt: String, executors: [String]) async throws -> String {
        let anthropic = cluster.anthropic
        let asked = ContinuousClock.now + .seconds(20)
        while !anthropic.requests.contains(where: { $0.lastUserText == prompt }), ContinuousClock.now < asked {
            try await Task.sleep(for: .milliseconds(50))
        }
        let target = await cluster.waitForLog(timeout: .seconds(5)) { log in
            executors.first { log.contains("attempt=1 executor.id=\($0) ") }
        }
        return try #require(target, "the job was not dispatched")
    }

    /// With a live second executor, the job moves there; with only one, it waits for that one's restart.
    @Test(arguments: [2, 1]) func anExecutorKilledBeforeAnyToolCostsThePersonNothing(executorCount: Int) async throws {
        var options = GatehouseCluster.Options()
        options.executors = executorCount
        options.environment = ["EXECUTOR_CAPACITY": "1"]
        try await GatehouseCluster.with(options) { cluster in
            cluster.anthropic.setHandler(FakeAnthropicScript.slow(.seconds(3)))
            let executors = try await cluster.registeredExecutors(count: executorCount, timeout: .seconds(30))
            cluster.telegram.enqueueMessage(from: ann, text: "think it over")
            _ = try #require(await cluster.reply(in: ann.id, containing: "Working on it"))
            let victim = try await runningOn(cluster, prompt: "think it over", executors: executors)
            let killed = Int64(Date().timeIntervalSince1970 * 1000)
            #expect(cluster.crash(victim))

            let redispatched = await cluster.waitForLog(timeout: .seconds(15)) { log in
                GatehouseCluster.lastTime(of: "job dispatched", in: log, containing: "attempt=2 ")
            }
            let again = try #require(redispatched, "the job was not dispatched again")
            let setting = executorCount > 1 ? "live second executor" : "the same executor restarted"
            print("lost job: executor SIGKILL → re-dispatch in \(again - killed) ms (\(setting))")
            if let survivor = executors.first(where: { $0 != victim }) {
                // Its closed connection is noticed at once: the job does not wait for the victim's restart.
                let moved = await cluster.waitForLog(timeout: .seconds(2)) { log in
                    log.contains("attempt=2 executor.id=\(survivor) ") ? true : nil
                }
                #expect(moved == true, "the job did not move to the live executor")
            }
            _ = try #require(await cluster.reply(in: ann.id, containing: "Echo: think it over", timeout: .seconds(30)))
            try await Task.sleep(for: .seconds(1))
            let finals = finalReplies(cluster)
            #expect(finals.filter { $0.contains("Echo: think it over") }.count == 1, "\(finals)")
            #expect(!finals.contains { $0.contains("interrupted") })
            #expect(cluster.anthropic.requests.filter { $0.lastUserText == "think it over" }.count <= 2)
            #expect(cluster.telegram.messages(inChat: ann.id).contains { ($0.plainText ?? "").contains("↻") })
        }
    }

    /// The restart continues the session the lost attempt was continuing (its executor is alive).
    @Test func aCLIKilledBeforeAnyToolIsRunAgainOnTheSameExecutor() async throws {
        try await GatehouseCluster.with { cluster in
            _ = try await cluster.registeredExecutors(count: 1, timeout: .seconds(30))
            cluster.telegram.enqueueMessage(from: ann, text: "remember the word zebra")
            _ = try #require(await cluster.reply(in: ann.id, containing: "Echo: remember the word zebra", timeout: .seconds(30)))
            cluster.anthropic.setHandler(FakeAnthropicScript.slow(.seconds(3)))
            cluster.telegram.enqueueMessage(from: ann, text: "ponder this")
            _ = try #require(await cluster.reply(in: ann.id, containing: "Working on it"))
            let anthropic = cluster.anthropic
            let asked = ContinuousClock.now + .seconds(20)
            while !anthropic.requests.contains(where: { $0.lastUserText == "ponder this" }), ContinuousClock.now < asked {
                try await Task.sleep(for: .milliseconds(50))
            }
            let cli = try #require(claudeProcesses(in: cluster.approved).first, "no CLI running")
            let killed = Int64(Date().timeIntervalSince1970 * 1000)
            kill(cli, SIGKILL)
            let redispatched = await cluster.waitForLog(timeout: .seconds(15)) { log in
                GatehouseCluster.lastTime(of: "job dispatched", in: log, containing: "attempt=2 ")
            }
            let again = try #require(redispatched, "the job was not dispatched again")
            print("lost job: CLI SIGKILL → re-dispatch in \(again - killed) ms (same executor)")
            _ = try #require(await cluster.reply(in: ann.id, containing: "Echo: ponder this", timeout: .seconds(30)))
            try await Task.sleep(for: .seconds(1))
            let finals = finalReplies(cluster)
            #expect(finals.filter { $0.contains("Echo: ponder this") }.count == 1, "\(finals)")
            #expect(!finals.contains { $0.contains("interrupted") || $0.contains("Incident id") })
            let runs = cluster.anthropic.requests.filter { $0.userTexts.last?.hasSuffix("ponder this") == true }
            #expect(runs.count <= 2)
            let restarted = try #require(runs.last)
            #expect(restarted.userTexts.contains("remember the word zebra"), "the restart did not continue the session")
            print("lost job: the restarted request's user texts: \(restarted.userTexts)")
        }
    }

    @Test func anExecutorKilledAfterAWriteLeavesOneNoticeNamingIt() async throws {
        var options = GatehouseCluster.Options()
        options.executors = 2
        options.environment = ["EXECUTOR_CAPACITY": "1"]
        try await GatehouseCluster.with(options) { cluster in
            let target = cluster.approved.appendingPathComponent("notes.txt")
            cluster.anthropic.setHandler { request in
                if !request.toolResults.isEmpty { return .delayed(.seconds(60), .text("Wrote it.")) }
                return .toolUse(name: "Write", input: .object(["file_path": .string(target.path), "content": .string("x\n")]))
            }
            let executors = try await cluster.registeredExecutors(count: 2, timeout: .seconds(30))
            cluster.telegram.enqueueMessage(from: ann, text: "write the notes")
            let victim = try await runningOn(cluster, prompt: "write the notes", executors: executors)
            let wrote = ContinuousClock.now + .seconds(20)
            while !FileManager.default.fileExists(atPath: target.path), ContinuousClock.now < wrote {
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(FileManager.default.fileExists(atPath: target.path), "the write did not run")
            // Once the model has the write's result, the attempt has changed something.
            let answered = ContinuousClock.now + .seconds(20)
            while !cluster.anthropic.requests.contains(where: { !$0.toolResults.isEmpty }), ContinuousClock.now < answered {
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(cluster.crash(victim))
            let notice = try #require(await cluster.reply(in: ann.id, containing: "interrupted", timeout: .seconds(20)))
            #expect(notice.plainText?.contains("• Write: notes.txt") == true, "\(notice.plainText ?? "")")
            try await Task.sleep(for: .seconds(2))
            #expect(cluster.anthropic.requests.filter { $0.lastUserText == "write the notes" && $0.toolResults.isEmpty }.count == 1,
                    "the prompt reached the model again after a write")
            #expect(finalReplies(cluster).filter { $0.contains("interrupted") }.count == 1)
        }
    }

    @Test func aSessionWhoseTranscriptIsGoneStartsANewOneWithoutBreakingTheChat() async throws {
        try await GatehouseCluster.with { cluster in
            _ = try await cluster.registeredExecutors(count: 1, timeout: .seconds(30))
            cluster.telegram.enqueueMessage(from: ann, text: "first question")
            _ = try #require(await cluster.reply(in: ann.id, containing: "Echo: first question", timeout: .seconds(30)))
            // The transcript disappears (the CLI was killed before it saved it, the disk was wiped …).
            let projects = URL(fileURLWithPath: cluster.claudeHomePath).appendingPathComponent(".claude/projects")
            let removed = FileManager.default.enumerator(at: projects, includingPropertiesForKeys: nil)?
                .compactMap { $0 as? URL }.filter { $0.pathExtension == "jsonl" } ?? []
            #expect(!removed.isEmpty, "no transcript was saved")
            for file in removed { try FileManager.default.removeItem(at: file) }

            cluster.telegram.enqueueMessage(from: ann, text: "second question")
            let second = try #require(await cluster.reply(in: ann.id, containing: "Echo: second question", timeout: .seconds(30)))
            #expect(second.plainText?.hasPrefix(Self.freshSession) == true, "\(second.plainText ?? "")")
            cluster.telegram.enqueueMessage(from: ann, text: "third question")
            let third = try #require(await cluster.reply(in: ann.id, containing: "Echo: third question", timeout: .seconds(30)))
            #expect(third.plainText?.contains(Self.freshSession) == false)
            #expect(!finalReplies(cluster).contains { $0.contains("Incident id") })
            #expect(cluster.anthropic.requests.filter { $0.lastUserText == "second question" }.count == 1)
        }
    }
}
