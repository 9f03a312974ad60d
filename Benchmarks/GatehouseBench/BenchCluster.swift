import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import TestSupport

/// The real `gatehouse up` (four real programs) against the fake Telegram, with the fake Claude CLI from
/// `gatehouse-bench-claude` in place of the real one, logging at the production default level.
enum BenchCluster {
    static let allowedUsers: [FakeTelegramUser] = (1...5).map { FakeTelegramUser(id: 1_000 + Int64($0), firstName: "Allowed\($0)") }

    /// The fake CLI, built next to this benchmark binary.
    static func fakeClaudePath() throws -> String {
        let directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        let path = directory.appendingPathComponent("gatehouse-bench-claude").path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw HarnessError("no fake CLI at \(path); build it with `swift build -c release --product gatehouse-bench-claude`")
        }
        return path
    }

    /// Allowed: the five users of `allowedUsers` (who warm the cluster up) and `extraUsers`.
    static func options(executors: Int = 1, capacity: Int = 4, extraUsers: [FakeTelegramUser] = []) throws -> GatehouseCluster.Options {
        var options = GatehouseCluster.Options()
        options.allowedUsers = (allowedUsers + extraUsers).map(\.id)
        options.executors = executors
        options.environment = [
            "CLAUDE_CLI_PATH": try fakeClaudePath(),
            "LOG_LEVEL": ProcessInfo.processInfo.environment["GATEHOUSE_BENCH_LOG_LEVEL"] ?? "info",
            "EXECUTOR_CAPACITY": String(capacity),
            "ENVIRONMENT": "development",
        ]
        if let port = metricsPort { options.environment["METRICS_ADDRESS"] = "127.0.0.1:\(port)" }
        return options
    }

    /// `GATEHOUSE_BENCH_METRICS=1`: the guard serves metrics and the benchmark scrapes them every second (Prometheus
    /// does every 15 s), to compare the numbers with metrics off.
    static let metricsPort: Int? = ProcessInfo.processInfo.environment["GATEHOUSE_BENCH_METRICS"] == "1"
        ? Int.random(in: 20_000...60_000) : nil

    /// Scrapes the metrics endpoint every second until cancelled; returns how many scrapes answered.
    static func scrapeMetrics(port: Int) async -> Int {
        var answered = 0
        while !Task.isCancelled {
            if let url = URL(string: "http://127.0.0.1:\(port)/metrics"),
               let (_, response) = try? await URLSession.shared.data(from: url), (response as? HTTPURLResponse)?.statusCode == 200 {
                answered += 1
            }
            try? await Task.sleep(for: .seconds(1))
        }
        return answered
    }

    /// Runs `body` against a started cluster whose programs are all up and registered, then stops it.
    static func with(_ options: GatehouseCluster.Options, _ body: (GatehouseCluster) async throws -> Void) async throws {
        try await GatehouseCluster.with(options) { cluster in
            guard await cluster.waitForPrograms(["guard", "ingress", "egress"], timeout: .seconds(20)),
                  await poll(timeout: .seconds(20), {
                      cluster.logs().components(separatedBy: "executor registered").count - 1 >= options.executors
                  })
            else { throw HarnessError("the programs did not start") }
            try await warmUp(cluster, users: allowedUsers.map(\.id))
            let scraper = metricsPort.map { port in Task { await scrapeMetrics(port: port) } }
            try await body(cluster)
            scraper?.cancel()
            if let scraper { print("metrics on: \(await scraper.value) scrapes answered during the run") }
        }
    }

    /// One answered prompt per allowed user, so every link is connected and every lazy start-up cost paid.
    static func warmUp(_ cluster: GatehouseCluster, users: [Int64]) async throws {
        for id in users {
            cluster.telegram.enqueueMessage(from: FakeTelegramUser(id: id, firstName: "Warm"), text: "warm-up")
        }
        let done = await cluster.telegram.waitUntil(timeout: .seconds(30)) { server in
            users.allSatisfy { id in server.messages(inChat: id).contains { ($0.plainText ?? "").contains("bench-reply") } }
        }
        guard done else { throw HarnessError("warm-up prompts were not answered") }
    }
}

/// One answered prompt, timed on both sides of the CLI from what the fake Telegram saw and the fake CLI reported.
struct ReplyTiming {
    var chatId: Int64
    /// getUpdates handed the update to ingress (the fake's response).
    var updateDeliveredAt: Int64
    /// The executor created the CLI process (the stand-in's first reading less its CPU time until then).
    var cliSpawnedAt: Int64
    /// The CLI process's first instruction: after loading, and the C library's and Swift runtime's start-up.
    var cliStartedAt: Int64
    /// The CLI wrote its result line.
    var cliResultAt: Int64
    /// The reply's sendMessage had been read by the fake Telegram: it had left egress.
    var replyArrivedAt: Int64
    /// The fake Telegram answered that sendMessage, after checking it against the Bot API spec and storing it.
    var replyAnsweredAt: Int64

    /// Update to CLI process created: the stand-in's own start-up (Claude's cost) left out.
    var inboundMs: Double { Double(cliSpawnedAt - updateDeliveredAt) / 1_000 }
    var inboundToFirstInstructionMs: Double { Double(cliStartedAt - updateDeliveredAt) / 1_000 }
    var outboundMs: Double { Double(replyArrivedAt - cliResultAt) / 1_000 }
    var outboundToAnswerMs: Double { Double(replyAnsweredAt - cliResultAt) / 1_000 }

    /// Every answered prompt of `chats` (all chats when nil) among the calls the fake recorded.
    static func collect(from telegram: FakeTelegramServer, chats: Set<Int64>? = nil) -> [ReplyTiming] {
        let calls = telegram.calls
        var delivered: [String: Int64] = [:]
        for call in calls where call.method == "getUpdates" && call.succeeded {
            for update in call.result?.arrayValue ?? [] {
                guard let message = update["message"], let chat = message["chat"]?["id"]?.integerValue,
                      let id = message["message_id"]?.integerValue else { continue }
                delivered["\(chat)/\(id)"] = BenchClock.micros(call.time)
            }
        }
        return calls.compactMap { call -> ReplyTiming? in
            guard call.method == "sendMessage", call.succeeded, let chat = call["chat_id"]?.integerValue,
                  chats?.contains(chat) ?? true,
                  let text = call["text"]?.stringValue, text.contains("bench-reply"),
                  let replyTo = call["reply_parameters"]?["message_id"]?.integerValue,
                  let deliveredAt = delivered["\(chat)/\(replyTo)"],
                  let spawned = number(after: "spawned=", in: text), let started = number(after: "started=", in: text),
                  let result = number(after: "result=", in: text)
            else { return nil }
            return ReplyTiming(chatId: chat, updateDeliveredAt: deliveredAt, cliSpawnedAt: spawned, cliStartedAt: started,
                               cliResultAt: result, replyArrivedAt: BenchClock.micros(call.receivedAt),
                               replyAnsweredAt: BenchClock.micros(call.time))
        }
    }

    private static func number(after marker: String, in text: String) -> Int64? {
        guard let range = text.range(of: marker) else { return nil }
        return Int64(text[range.upperBound...].prefix { $0.isNumber })
    }
}

/// Checks `condition` every 5 ms until it holds or `timeout` passes; returns whether it held.
func poll(timeout: Duration, every interval: Duration = .milliseconds(5), _ condition: () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if condition() { return true }
        try? await Task.sleep(for: interval)
    }
    return condition()
}
