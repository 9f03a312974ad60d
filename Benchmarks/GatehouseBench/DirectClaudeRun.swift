#if canImport(Glibc)
import Glibc
#endif
import Executor
import Foundation
import Messages
import TestSupport
import Transport

/// The real Claude Code CLI run directly, as a bot on the Agent SDK runs it: the same flags and stdin protocol as the
/// executor (initialize with the PreToolUse hook; the prompt once the CLI has answered it, as the SDK does too), no
/// confinement, no proxy, no guard. Its time from spawn to result line is what "the CLI alone" costs.
struct DirectClaudeRun {
    /// Spawn → the CLI's answer to `initialize`: its own start-up.
    var startupMs: Double
    /// Spawn → its result line.
    var resultMs: Double
    /// The session, for the next run's `--resume`.
    var sessionId: String?
    /// With `profile`: how long the CLI's own set-up of its in-process MCP servers took (`setupSdkMcpClients`, timed
    /// by its start-up profiler); nil when it logged no such step.
    var sdkMcpSetupMs: Double?
    /// The process goes on after its result line (as the executor's does); this opens when it has exited.
    var exit: Latch

    /// Runs one prompt to its result line on a thread of its own (the CLI is read with blocking calls) and returns
    /// then; the CLI exits meanwhile, overlapping what comes next just as the executor's CLI does.
    /// With `offerTools`, the CLI is also offered a `send_file` tool as the executor offers it (an "sdk" MCP server,
    /// answered on stdin as soon as the CLI asks): the CLI's own cost of Gatehouse's tool, apart from Gatehouse.
    /// With `profile`, the CLI runs with its start-up profiler and debug log on (slower: not for timing the run) and
    /// the run returns once it has exited.
    static func run(
        executable: String, workspace: String, environment: [String: String], prompt: String, resume: String?,
        offerTools: Bool = false, profile: Bool = false
    ) async throws -> DirectClaudeRun {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                runBlocking(
                    executable: executable, workspace: workspace, environment: environment, prompt: prompt, resume: resume,
                    offerTools: offerTools, profile: profile
                ) {
                    continuation.resume(with: $0)
                }
            }
            thread.start()
        }
    }

    /// Hands the run to `done` at the result line, then waits for the process to exit.
    private static func runBlocking(
        executable: String, workspace: String, environment: [String: String], prompt: String, resume: String?,
        offerTools: Bool, profile: Bool, done: (Result<DirectClaudeRun, any Error>) -> Void
    ) {
        let process = Process()
        let exit = Latch()
        do {
            let log = profile ? FileManager.default.temporaryDirectory.appendingPathComponent("claude-profile-\(UUID().uuidString).log") : nil
            defer { if let log { try? FileManager.default.removeItem(at: log) } }
            var run = try untilResult(
                process, executable: executable, workspace: workspace, environment: environment, prompt: prompt, resume: resume,
                offerTools: offerTools, debugLog: log, exit: exit)
            if let log {
                process.waitUntilExit()
                run.sdkMcpSetupMs = sdkMcpSetupMs(inDebugLog: (try? String(contentsOf: log, encoding: .utf8)) ?? "")
            }
            done(.success(run))
        } catch {
            done(.failure(error))
        }
        if process.isRunning { process.waitUntilExit() }
        exit.open()
    }

    private static func untilResult(
        _ process: Process, executable: String, workspace: String, environment: [String: String], prompt: String, resume: String?,
        offerTools: Bool, debugLog: URL?, exit: Latch
    ) throws -> DirectClaudeRun {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["-p", "--input-format", "stream-json", "--output-format", "stream-json", "--verbose",
                             "--permission-prompt-tool", "stdio"] + (resume.map { ["--resume", $0] } ?? [])
            + (debugLog == nil ? [] : ["--debug-to-stderr"])
        process.environment = environment.merging(debugLog == nil ? [:] : ["CLAUDE_CODE_PROFILE_STARTUP": "1"]) { _, set in set }
        process.currentDirectoryURL = URL(fileURLWithPath: workspace)
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        if let debugLog {
            _ = FileManager.default.createFile(atPath: debugLog.path, contents: nil)
            process.standardError = try FileHandle(forWritingTo: debugLog)
        } else {
            process.standardError = FileHandle.nullDevice
        }
        // The executor's own `initialize` (the hook, and the tool server with its handshake answers when offered).
        let initialize = try JSONEncoder().encode(ClaudeStdinMessage.initialize(offeringTools: offerTools).json)
        let user = try JSONSerialization.data(withJSONObject: [
            "type": "user", "message": ["role": "user", "content": prompt],
        ])
        let spawned = BenchClock.epochMicros()
        try process.run()
        input.fileHandleForWriting.write(initialize + Data("\n".utf8))
        var startedAt: Int64?, resultAt: Int64?, sessionId: String?
        var pending = Data()
        let fd = output.fileHandleForReading.fileDescriptor
        var buffer = [UInt8](repeating: 0, count: 65_536)
        reading: while resultAt == nil {
            let count = read(fd, &buffer, buffer.count)
            guard count > 0 else { break }
            let now = BenchClock.epochMicros()
            pending.append(contentsOf: buffer[0..<count])
            while let newline = pending.firstIndex(of: 10) {
                let line = pending[pending.startIndex..<newline]
                pending = Data(pending[(newline + 1)...])
                guard let object = try? JSONSerialization.jsonObject(with: line) as? [String: Any] else { continue }
                switch object["type"] as? String {
                case "control_response" where startedAt == nil:
                    startedAt = now
                    input.fileHandleForWriting.write(user + Data("\n".utf8))
                case "control_request" where offerTools:
                    if let answer = toolServerAnswer(object) { input.fileHandleForWriting.write(answer + Data("\n".utf8)) }
                case "result":
                    resultAt = now
                    sessionId = object["session_id"] as? String
                    break reading
                default: break
                }
            }
        }
        try? input.fileHandleForWriting.close()
        guard let resultAt else {
            process.waitUntilExit()
            throw HarnessError("the CLI run directly gave no result line (exit \(process.terminationStatus))")
        }
        return DirectClaudeRun(
            startupMs: Double((startedAt ?? resultAt) - spawned) / 1_000, resultMs: Double(resultAt - spawned) / 1_000,
            sessionId: sessionId, exit: exit)
    }

    /// `before_setupSdkMcp at 369.7ms` … `after_setupSdkMcp at 387.2ms`: the checkpoints the CLI's start-up
    /// profiler logs around its set-up of the in-process MCP servers named in `initialize`.
    static func sdkMcpSetupMs(inDebugLog log: String) -> Double? {
        func checkpoint(_ name: String) -> Double? {
            guard let range = log.range(of: "Checkpoint: \(name) at ") else { return nil }
            return Double(log[range.upperBound...].prefix { $0.isNumber || $0 == "." })
        }
        guard let before = checkpoint("before_setupSdkMcp"), let after = checkpoint("after_setupSdkMcp") else { return nil }
        return after - before
    }

    /// The control response to one `mcp_message` the CLI sends when it did not take the handshake answers, as the
    /// executor's tool server answers it (no file is ever sent here).
    private static func toolServerAnswer(_ line: [String: Any]) -> Data? {
        guard let request = line["request"] as? [String: Any], request["subtype"] as? String == "mcp_message",
              let requestId = line["request_id"] as? String, let message = request["message"],
              let data = try? JSONSerialization.data(withJSONObject: message),
              let decoded = try? JSONDecoder().decode(JSONValue.self, from: data),
              let reply = GatehouseToolServer.handshakeReply(to: decoded)
        else { return nil }
        return try? JSONEncoder().encode(ClaudeStdinMessage.mcpResponse(requestId: requestId, message: reply).json)
    }
}
