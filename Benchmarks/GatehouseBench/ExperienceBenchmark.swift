import ArgumentParser
import Foundation
import GRDB
import Messages
import TestSupport

/// What the person feels, with the real Claude Code CLI against the fake model: how soon the chat shows a sign of
/// life, how soon the answer comes, and how that compares with the same CLI run directly (interleaved with the
/// prompts, so machine noise hits both alike). One person, prompts one after another, Telegram's flood limits
/// emulated by the fake, so progress messages and answers compete for the chat's tokens as they would for real.
struct ExperienceBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "experience", abstract: "What the person sees, with the real Claude Code CLI.")

    @Option(help: "Prompts to time.") var prompts = 20
    @Option(help: "Milliseconds the person waits after each answer (and after each direct run) before the next.") var gap = 500
    @Option(help: "Milliseconds the fake model takes for each turn (0: at once).") var think = 0
    @Option(help: "Warm CLIs the executor keeps (WARM_CLI_POOL; 0: off, as by default).") var warm = 0
    @Option(help: "IDLE_MEMORY_RELEASE_AFTER_SECONDS: quiet seconds before a program hands back memory again (60 by default).")
    var releaseAfter = 60
    @Option(help: "Seconds after the last answer at which the programs' memory is read (with --release-after below it, after their release).")
    var idle = 3
    @Flag(help: "Make the person's workspace (and the direct run's) a git repository, as most are: the CLI reads its status at start-up, Gatehouse after each answer for its quick actions.")
    var git = false
    @Option(name: .customLong("set"), help: "KEY=VALUE added to the programs' environment (repeatable): e.g. EXECUTOR_SANDBOX=off or OUTBOUND_PROXY=off, to tell a part's cost apart.")
    var settings: [String] = []

    func run() async throws {
        var extra: [String: String] = [:]
        for setting in settings {
            guard let equals = setting.firstIndex(of: "="), equals != setting.startIndex else {
                throw ValidationError("--set takes KEY=VALUE, got \(setting.debugDescription)")
            }
            extra[String(setting[..<equals])] = String(setting[setting.index(after: equals)...])
        }
        try await Self.measure(
            prompts: prompts, gapMs: gap, thinkMs: think, warm: warm, releaseAfterSeconds: releaseAfter, idleSeconds: idle,
            gitWorkspaces: git, environment: extra
        ).print()
    }

    /// One prompt through Gatehouse, and the direct run next to it.
    struct Sample {
        var firstSignMs: Double
        var finalMs: Double
        /// The final reply left egress this long after the executor read the CLI's result line.
        var lagBehindResultMs: Double
        /// Message → the prompt written to a CLI that has answered `initialize` (ms resolution: the executor's clock,
        /// the job's `startedAt`): Gatehouse's plumbing, the sandbox's start and the CLI's own start-up.
        var beforePromptMs: Double
        /// The prompt written → the CLI's result line read by the executor (confined, through the proxy, the tool offered).
        var afterPromptMs: Double
        var aloneMs: Double
        var aloneStartupMs: Double
        /// The CLI alone, offered Gatehouse's `send_file` tool as the executor offers it.
        var aloneWithToolMs: Double
        var aloneWithToolStartupMs: Double
    }

    static func measure(
        prompts: Int, gapMs: Int, thinkMs: Int, warm: Int = 0, releaseAfterSeconds: Int = 60, idleSeconds: Int = 3,
        gitWorkspaces: Bool = false, environment extra: [String: String] = [:]
    ) async throws -> BenchReport {
        let person = FakeTelegramUser(id: 4_001, firstName: "Person")
        var options = GatehouseCluster.Options()
        options.allowedUsers = [person.id]
        options.environment = [
            "CLAUDE_CLI_PATH": try ClaudeBinary.path(),
            "LOG_LEVEL": ProcessInfo.processInfo.environment["GATEHOUSE_BENCH_LOG_LEVEL"] ?? "info",
            "ENVIRONMENT": "development",
            // The fake model's usage prices each run at about $1: the person's daily limit and rate limit would
            // refuse the prompts this benchmark times.
            "CLAUDE_MAX_COST_PER_USER": "off", "RATE_LIMIT_REQUESTS": "1000", "RATE_LIMIT_BURST": "1000",
            "WARM_CLI_POOL": String(warm),
            "IDLE_MEMORY_RELEASE_AFTER_SECONDS": String(releaseAfterSeconds),
        ]
        options.environment.merge(extra) { _, set in set }
        var report = BenchReport(title: "What the person feels (real Claude Code CLI, fake model\(warm > 0 ? ", warm CLIs" : ""))")
        try await GatehouseCluster.with(options) { cluster in
            guard await cluster.waitForPrograms(["guard", "ingress", "egress"], timeout: .seconds(20)),
                  await poll(timeout: .seconds(20), { cluster.logs().contains("executor registered") })
            else { throw HarnessError("the programs did not start") }
            cluster.telegram.emulateLimits()
            if thinkMs > 0 { cluster.anthropic.setHandler(FakeAnthropicScript.slow(.milliseconds(thinkMs))) }
            let cli = try ClaudeBinary.path()
            let direct = ClaudeTestEnvironment.make(baseURL: cluster.anthropic.baseURL)
            defer { ClaudeTestEnvironment.remove(home: direct.home) }
            let aloneWorkspace = cluster.root.appendingPathComponent("alone").path
            try FileManager.default.createDirectory(atPath: aloneWorkspace, withIntermediateDirectories: true)
            if gitWorkspaces {
                for workspace in [cluster.approved.path, aloneWorkspace] { try GitWorkspace.make(at: workspace) }
            }

            // Warm-up: one answered prompt each way (links connected, the CLI's files in the page cache, sessions made).
            var aloneSession = try await DirectClaudeRun.run(
                executable: cli, workspace: aloneWorkspace, environment: direct.env, prompt: "warm-up", resume: nil).sessionId
            var toolSession = try await DirectClaudeRun.run(
                executable: cli, workspace: aloneWorkspace, environment: direct.env, prompt: "warm-up", resume: nil, offerTools: true).sessionId
            _ = try await ask(cluster, person, "exp#warm#")
            try await Task.sleep(for: .seconds(2))

            var updates: [(updateId: Int64, alone: DirectClaudeRun, withTool: DirectClaudeRun)] = []
            for index in 0..<prompts {
                let alone = try await DirectClaudeRun.run(
                    executable: cli, workspace: aloneWorkspace, environment: direct.env, prompt: "alone#\(index)#", resume: aloneSession)
                aloneSession = alone.sessionId ?? aloneSession
                // Each run starts alone: a CLI still exiting would take the CPU from the next one.
                await alone.exit.wait()
                try await Task.sleep(for: .milliseconds(gapMs))
                let withTool = try await DirectClaudeRun.run(
                    executable: cli, workspace: aloneWorkspace, environment: direct.env, prompt: "tool#\(index)#", resume: toolSession,
                    offerTools: true)
                toolSession = withTool.sessionId ?? toolSession
                await withTool.exit.wait()
                try await Task.sleep(for: .milliseconds(gapMs))
                updates.append((try await ask(cluster, person, "exp#\(index)#"), alone, withTool))
                try await Task.sleep(for: .milliseconds(gapMs))
            }
            try await Task.sleep(for: .seconds(idleSeconds))
            let programs = cluster.programs().compactMap { program in ProcessMemory.read(pid: program.pid).map { (program.name, $0) } }
            let memory = programs.map(\.1)
            // The CLI's own set-up of the tool server, timed by its start-up profiler, after the memory is read.
            var sdkMcpSetup: [Double] = []
            for _ in 0..<5 {
                let profiled = try await DirectClaudeRun.run(
                    executable: cli, workspace: aloneWorkspace, environment: direct.env, prompt: "profiled", resume: toolSession,
                    offerTools: true, profile: true)
                if let setup = profiled.sdkMcpSetupMs { sdkMcpSetup.append(setup) }
            }
            let finishedAt = try finishTimes(databasePath: cluster.databasePath, chatId: person.id)
            let samples = try collect(cluster.telegram, chatId: person.id, updates: updates, finishedAt: finishedAt)

            let firstSign = Percentiles(samples.map(\.firstSignMs))
            let final = Percentiles(samples.map(\.finalMs))
            let alone = Percentiles(samples.map(\.aloneMs))
            let lag = Percentiles(samples.map(\.lagBehindResultMs))
            let paired = Percentiles(samples.map { $0.finalMs - $0.aloneMs })
            let startup = Percentiles(samples.map(\.aloneStartupMs))
            let withTool = Percentiles(samples.map(\.aloneWithToolMs))
            let withToolStartup = Percentiles(samples.map(\.aloneWithToolStartupMs))
            let beforePrompt = Percentiles(samples.map(\.beforePromptMs))
            let afterPrompt = Percentiles(samples.map(\.afterPromptMs))
            let aloneAfterPrompt = Percentiles(samples.map { $0.aloneMs - $0.aloneStartupMs })
            let pss = memory.compactMap(\.proportionalKB).reduce(0, +)
            let rss = memory.map(\.residentKB).reduce(0, +)
            report.notes = [
                (gitWorkspaces ? "workspaces: git repositories with one commit of 40 files. " : "")
                    + (extra.isEmpty ? "" : "set: \(extra.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")). ")
                    + "\(samples.count) of \(prompts) prompts from one person, each sent \(gapMs) ms after the previous answer; the CLI run directly before each (its own session, resumed like Gatehouse's); fake model answers \(thinkMs == 0 ? "at once" : "after \(thinkMs) ms a turn"); Telegram's flood limits emulated (1/s per chat, burst 3).",
                "first sign of life: getUpdates response → the first sendChatAction or sendMessage for that chat read by the fake Telegram. final reply: → the answer's sendMessage read by the fake Telegram.",
                "lag behind the result line: the executor reading the CLI's result line (JobResult.finishedAt, ms) → the answer's sendMessage. CLI alone: spawn → result line, the executor's flags and stdin protocol but no tool of Gatehouse's, unconfined, no proxy (a bot on the Agent SDK); offered send_file: the same, with Gatehouse's tool offered and answered as the executor does.",
                "memory: the four programs idle \(idleSeconds) s after the last answer (executor without CLI children; each program hands memory back after \(releaseAfterSeconds) s of quiet); Pss shares the common pages out.",
            ]
            report.rows = [
                BenchRow(name: "first sign of life median", target: "≤ 3 ms", measured: milliseconds(firstSign.p50), met: firstSign.p50 <= 3),
                BenchRow(name: "first sign of life p95", target: "≤ 10 ms", measured: milliseconds(firstSign.at(0.95)), met: firstSign.at(0.95) <= 10),
                BenchRow(name: "first sign of life p99 / max", target: "", measured: "\(milliseconds(firstSign.p99)) / \(milliseconds(firstSign.max))", met: nil),
                BenchRow(name: "final reply median (p95, p99, max)", target: "", measured: "\(milliseconds(final.p50)) (\(milliseconds(final.at(0.95))), \(milliseconds(final.p99)), \(milliseconds(final.max)))", met: nil),
                BenchRow(name: "CLI alone median (p95, p99, max)", target: "", measured: "\(milliseconds(alone.p50)) (\(milliseconds(alone.at(0.95))), \(milliseconds(alone.p99)), \(milliseconds(alone.max)))", met: nil),
                BenchRow(name: "CLI alone: its start-up median", target: "", measured: milliseconds(startup.p50), met: nil),
                BenchRow(name: "CLI alone offered send_file, median (its start-up)", target: "",
                         measured: "\(milliseconds(withTool.p50)) (\(milliseconds(withToolStartup.p50)))", met: nil),
                BenchRow(name: "final reply − CLI alone, medians", target: "≤ +10 ms", measured: String(format: "%+.1f ms", final.p50 - alone.p50), met: final.p50 - alone.p50 <= 10),
                BenchRow(name: "final reply − CLI alone, paired median", target: "", measured: String(format: "%+.1f ms", paired.p50), met: nil),
                BenchRow(name: "  of it the CLI's cost of send_file, medians", target: "", measured: String(format: "%+.1f ms", withTool.p50 - alone.p50), met: nil),
                BenchRow(name: "    the CLI setting up its in-process MCP server (its own profiler, 5 runs), median", target: "",
                         measured: sdkMcpSetup.isEmpty ? "not logged" : milliseconds(Percentiles(sdkMcpSetup).p50), met: nil),
                BenchRow(name: "  the rest: final reply − CLI alone offered send_file, medians", target: "", measured: String(format: "%+.1f ms", final.p50 - withTool.p50), met: nil),
                BenchRow(name: "  before the prompt: message → CLI ready, median", target: "", measured: milliseconds(beforePrompt.p50), met: nil),
                BenchRow(name: "    minus the CLI alone's start-up (offered send_file), medians", target: "",
                         measured: String(format: "%+.1f ms (%+.1f ms)", beforePrompt.p50 - startup.p50, beforePrompt.p50 - withToolStartup.p50), met: nil),
                BenchRow(name: "  after it: prompt → result line, median", target: "", measured: milliseconds(afterPrompt.p50), met: nil),
                BenchRow(name: "    minus the CLI alone's, medians", target: "", measured: String(format: "%+.1f ms", afterPrompt.p50 - aloneAfterPrompt.p50), met: nil),
                BenchRow(name: "lag behind result line median (p95, p99)", target: "", measured: "\(milliseconds(lag.p50)) (\(milliseconds(lag.at(0.95))), \(milliseconds(lag.p99)))", met: nil),
                BenchRow(name: "lag behind result line max", target: "≤ 100 ms", measured: milliseconds(lag.max), met: lag.max <= 100),
                BenchRow(name: "idle Pss, four programs", target: "≤ 40 MB", measured: megabytes(pss), met: Double(pss) / 1024 <= 40),
                BenchRow(name: "  of it their own pages / files", target: "",
                         measured: "\(megabytes(memory.compactMap(\.proportionalAnonKB).reduce(0, +))) / \(megabytes(memory.compactMap(\.proportionalFileKB).reduce(0, +)))", met: nil),
                BenchRow(name: "idle VmRSS, four programs summed", target: "", measured: megabytes(rss), met: nil),
                BenchRow(name: "  own pages (Pss) by program", target: "", measured: programs.map { name, memory in
                    "\(name) \(megabytes(memory.proportionalAnonKB ?? 0))"
                }.joined(separator: ", "), met: nil),
                BenchRow(name: "429s from the fake Telegram", target: "", measured: "\(cluster.telegram.limitRefusals)", met: nil),
                BenchRow(name: "prompts answered", target: "\(prompts)", measured: "\(samples.count)", met: samples.count == prompts),
            ]
            if warm > 0 {
                let used = cluster.logs().components(separatedBy: "using a warm Claude CLI").count - 1
                report.rows += [
                    BenchRow(name: "answered by a warm CLI", target: "\(prompts)", measured: "\(used)", met: used >= prompts),
                    BenchRow(name: "final reply median vs CLI alone minus its start-up", target: "≤ \(milliseconds(alone.p50 - startup.p50))",
                             measured: milliseconds(final.p50), met: final.p50 <= alone.p50 - startup.p50),
                ]
                report.notes.append("warm CLIs: WARM_CLI_POOL=\(warm); each prompt after the warm-up can take the CLI the executor started after the previous answer. Memory is measured with the next warm CLI waiting (not counted: it is a child of the executor).")
            }
        }
        return report
    }

    /// Sends `marker` as a message and waits for its answer (the fake model echoes it); returns the update's id.
    private static func ask(_ cluster: GatehouseCluster, _ person: FakeTelegramUser, _ marker: String) async throws -> Int64 {
        let updateId = cluster.telegram.enqueueMessage(from: person, text: marker)
        let answered = await cluster.telegram.waitUntil(timeout: .seconds(60)) { server in
            server.calls.contains { $0.method == "sendMessage" && $0.succeeded && ($0["text"]?.stringValue ?? "").contains("Echo: \(marker)") }
        }
        guard answered else { throw HarnessError("no answer to \(marker)") }
        return updateId
    }

    /// When the executor started each job's CLI and read its result line, by the message the job answers.
    private static func finishTimes(databasePath: String, chatId: Int64) throws -> [Int64: (started: EpochMillis, finished: EpochMillis)] {
        var configuration = Configuration()
        configuration.readonly = true
        let database = try DatabaseQueue(path: databasePath, configuration: configuration)
        return try database.read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT replyToMessageId, startedAt, finishedAt FROM jobs
                WHERE chatId = ? AND startedAt IS NOT NULL AND finishedAt IS NOT NULL
                """, arguments: [chatId])
            var times: [Int64: (started: EpochMillis, finished: EpochMillis)] = [:]
            for row in rows {
                if let message: Int64 = row["replyToMessageId"], let started: Int64 = row["startedAt"], let finished: Int64 = row["finishedAt"] {
                    times[message] = (EpochMillis(started), EpochMillis(finished))
                }
            }
            return times
        }
    }

    /// Times each prompt from the calls the fake Telegram recorded.
    private static func collect(
        _ telegram: FakeTelegramServer, chatId: Int64, updates: [(updateId: Int64, alone: DirectClaudeRun, withTool: DirectClaudeRun)],
        finishedAt: [Int64: (started: EpochMillis, finished: EpochMillis)]
    ) throws -> [Sample] {
        let calls = telegram.calls
        var delivered: [Int64: (at: Int64, messageId: Int64)] = [:]
        for call in calls where call.method == "getUpdates" && call.succeeded {
            for update in call.result?.arrayValue ?? [] {
                guard let id = update["update_id"]?.integerValue, let messageId = update["message"]?["message_id"]?.integerValue else { continue }
                delivered[id] = (BenchClock.micros(call.time), messageId)
            }
        }
        let chatCalls = calls.filter { $0["chat_id"]?.integerValue == chatId && $0.succeeded }
        return updates.compactMap { entry -> Sample? in
            guard let (at, messageId) = delivered[entry.updateId],
                  let final = chatCalls.first(where: { $0.method == "sendMessage" && $0["reply_parameters"]?["message_id"]?.integerValue == messageId }),
                  let sign = firstSign(chatCalls, after: at),
                  let (started, finished) = finishedAt[messageId]
            else { return nil }
            let finalAt = BenchClock.micros(final.receivedAt)
            if ProcessInfo.processInfo.environment["GATEHOUSE_BENCH_TRACE"] != nil {
                print("update \(entry.updateId) lag \((finalAt - finished.rawValue * 1_000) / 1_000) ms, delivered \(at) µs:", chatCalls.filter { BenchClock.micros($0.receivedAt) >= at && BenchClock.micros($0.receivedAt) <= finalAt }
                    .map { "\($0.method) +\(BenchClock.micros($0.receivedAt) - at) µs" }.joined(separator: ", "))
            }
            return Sample(
                firstSignMs: Double(sign - at) / 1_000, finalMs: Double(finalAt - at) / 1_000,
                lagBehindResultMs: Double(finalAt - finished.rawValue * 1_000) / 1_000,
                beforePromptMs: Double(started.rawValue * 1_000 - at) / 1_000, afterPromptMs: Double(finished.rawValue - started.rawValue),
                aloneMs: entry.alone.resultMs, aloneStartupMs: entry.alone.startupMs, aloneWithToolMs: entry.withTool.resultMs,
                aloneWithToolStartupMs: entry.withTool.startupMs)
        }
    }

    /// The first chat action or message for the chat that left Gatehouse after `at` (microseconds).
    private static func firstSign(_ calls: [FakeTelegramCall], after at: Int64) -> Int64? {
        calls.filter { ["sendChatAction", "sendMessage"].contains($0.method) }
            .map { BenchClock.micros($0.receivedAt) }.filter { $0 >= at }.min()
    }
}
