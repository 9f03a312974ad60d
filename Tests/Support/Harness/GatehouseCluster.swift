import Foundation
import Logging
import Messages

/// A whole Gatehouse on this machine for end-to-end tests: the real `gatehouse up` (four real programs), the real
/// Claude Code CLI, and the two fakes standing in for what lives outside the machine (Telegram and Anthropic).
public final class GatehouseCluster {
    public struct Options {
        public var allowedUsers: [Int64] = [1001]
        public var executors = 1
        public var environment: [String: String] = [:]
        /// Where the fake Anthropic API listens (0.0.0.0 for executors in other network namespaces).
        public var anthropicBindAddress = "127.0.0.1"
        public init() {}
    }

    public let telegram: FakeTelegramServer
    public let anthropic: FakeAnthropicServer
    /// A short private directory (ipc:// and unix socket paths are limited to ~107 bytes).
    public let root: URL
    /// `APPROVED_DIRECTORY`.
    public let approved: URL
    public let databasePath: String
    public let logFile: URL
    /// Secrets the test configures; none of them may ever show up in a log or a reply.
    public let botToken = "123456789:AAtest-bot-token-SECRET-0123456789abcdef"
    public let anthropicKey = "sk-ant-test-SECRET-key-0123456789"
    /// `DATA_ENCRYPTION_KEY`: 32 random bytes, base64, new for every cluster.
    public let dataKey = Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
    private let claudeHome: URL
    /// `CLAUDE_HOME` of the executors: the CLI keeps its transcripts under `.claude/projects` there.
    public var claudeHomePath: String { claudeHome.path }
    private let options: Options
    private var process: Process?
    var runningProcess: Process? { process }
    /// Secrets a test made while running (e.g. issued tokens), scanned for like the configured ones.
    public var extraSecrets: [String] = []

    public init(_ options: Options = .init()) async throws {
        self.options = options
        var template = Array("/tmp/ghe-XXXXXX".utf8CString)
        let rootPath = template.withUnsafeMutableBufferPointer { buffer -> String? in
            guard let base = buffer.baseAddress, let made = mkdtemp(base) else { return nil }
            return String(cString: made)
        }
        guard let rootPath else { throw HarnessError("cannot create a temporary directory (errno \(errno))") }
        root = URL(fileURLWithPath: rootPath)
        approved = root.appendingPathComponent("projects")
        try FileManager.default.createDirectory(at: approved, withIntermediateDirectories: true)
        databasePath = root.appendingPathComponent("data/gatehouse.sqlite").path
        logFile = root.appendingPathComponent("gatehouse.log")
        telegram = FakeTelegramServer(token: botToken)
        anthropic = FakeAnthropicServer(bindAddress: options.anthropicBindAddress)
        try await telegram.start()
        try await anthropic.start()
        claudeHome = ClaudeTestEnvironment.make(baseURL: anthropic.baseURL).home
    }

    /// Runs `body` against a started cluster and always stops it afterwards.
    public static func with(
        _ options: Options = .init(), _ body: (GatehouseCluster) async throws -> Void
    ) async throws {
        let cluster = try await GatehouseCluster(options)
        do {
            try cluster.start()
            try await body(cluster)
        } catch {
            await cluster.stop()
            FileHandle.standardError.write(Data("--- gatehouse log tail ---\n\(cluster.logs().suffix(6_000))\n".utf8))
            throw error
        }
        await cluster.stop()
    }

    public var environment: [String: String] {
        var env: [String: String] = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin",
            "HOME": claudeHome.path,
            "LANG": "C.UTF-8",
            "LOG_LEVEL": "info",  // production (the default) refuses debug logging
            "TELEGRAM_BOT_TOKEN": botToken,
            "TELEGRAM_API_BASE_URL": telegram.baseURL,
            "APPROVED_DIRECTORY": approved.path,
            "ALLOWED_USERS": options.allowedUsers.map(String.init).joined(separator: ","),
            "DATABASE_PATH": databasePath,
            "GATEHOUSE_RUN_DIR": root.appendingPathComponent("run").path,
            "CLAUDE_CLI_PATH": (try? ClaudeBinary.path()) ?? "claude",
            "CLAUDE_HOME": claudeHome.path,
            "CLAUDE_TIMEOUT_SECONDS": "60",
            "ANTHROPIC_API_KEY": anthropicKey,
            "ANTHROPIC_BASE_URL": anthropic.baseURL,
            "CLAUDE_CODE_MAX_RETRIES": "0",
            "DATA_ENCRYPTION_KEY": dataKey,
            // The suites written before private workspaces look for files in the approved directory itself;
            // the chat surface tests set WORKSPACE_MODE=private; the product's default is admins-shared.
            "WORKSPACE_MODE": "shared",
        ]
        env.merge(options.environment) { _, override in override }
        return env
    }

    public func start() throws {
        if options.environment["CLAUDE_CLI_PATH"] == nil {
            _ = try ClaudeBinary.path()  // fail loudly, with the fix, if the CLI is missing
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try BuildProducts.gatehouse())
        process.arguments = ["up", "--executors", String(options.executors)]
        process.environment = environment
        process.currentDirectoryURL = root
        guard FileManager.default.createFile(atPath: logFile.path, contents: nil) else {
            throw HarnessError("cannot create \(logFile.path)")
        }
        let log = try FileHandle(forWritingTo: logFile)
        process.standardOutput = log
        process.standardError = log
        try process.run()
        self.process = process
    }

    /// SIGTERM, then up to 25 s to drain, then SIGKILL.
    public func stop() async {
        if let process, process.isRunning {
            process.terminate()
            let deadline = ContinuousClock.now + .seconds(25)
            while process.isRunning, ContinuousClock.now < deadline {
                try? await Task.sleep(for: .milliseconds(50))
            }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        process = nil
        await telegram.stop()
        await anthropic.stop()
    }

    public var exitStatus: Int32? {
        guard let process, !process.isRunning else { return nil }
        return process.terminationStatus
    }

    /// Runs `gatehouse <arguments>` (an operator tool) against this cluster's database and environment, with
    /// `overrides` replacing some of its variables (an operator's shell that differs from the programs').
    public func runTool(
        _ arguments: [String], overrides: [String: String] = [:]
    ) throws -> (status: Int32, output: String, errors: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try BuildProducts.gatehouse())
        process.arguments = arguments
        process.environment = environment.merging(overrides) { _, override in override }
        process.currentDirectoryURL = root
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let out = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let err = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, out, err)
    }

    public func logs() -> String {
        (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
    }

    /// The first message the bot sent to `chatId` whose visible text contains `text`, waiting up to `timeout`.
    public func reply(in chatId: Int64, containing text: String, timeout: Duration = .seconds(30)) async -> FakeTelegramMessage? {
        _ = await telegram.waitUntil(timeout: timeout) { server in
            server.messages(inChat: chatId).contains { ($0.plainText ?? "").contains(text) }
        }
        return telegram.messages(inChat: chatId).first { ($0.plainText ?? "").contains(text) }
    }

    /// Every configured secret that appears in the logs or in anything the bot sent.
    public func leakedSecrets() -> [String] {
        let sent = telegram.calls.map { "\($0.parameters)" }.joined(separator: "\n")
        let haystacks = [logs(), sent]
        let configured = options.environment.filter { $0.key.hasSuffix("SECRET") || $0.key.hasSuffix("_KEY") }.map(\.value)
        let secrets = [botToken, String(botToken.split(separator: ":").last ?? ""), anthropicKey, dataKey] + configured
            + extraSecrets
        return secrets.filter { secret in haystacks.contains { $0.contains(secret) } }
    }
}

public struct HarnessError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
