import Foundation
import Logging
import Messages
import Synchronization
import Testing
import TestSupport
@testable import Executor

/// The executor's outbound proxy with the real CLI: the CLI's own API calls reach the (allowlisted) fake Anthropic
/// through it, while a tool's connection to loopback is refused at connect time. Serialized: each CLI takes ~200 MB.
@Suite(.serialized) struct OutboundProxyEndToEndTests {
    @Test func aToolsConnectionToLoopbackIsRefusedWhileTheCLIsAPICallsGoThrough() async throws {
        let hits = Atomic<Int>(0)
        let listener = LoopbackHTTPServer { _ in
            hits.wrappingAdd(1, ordering: .relaxed)
            return LoopbackHTTPResponse(status: 200, body: Data("private service".utf8))
        }
        let port = try listener.start()
        let logs = LogCapture()
        var logger = logs.logger()
        logger.logLevel = .debug
        try await withExecutor(logger: logger) { harness in
            harness.server.setHandler(FakeAnthropicScript.toolThenText(
                tool: "Bash",
                input: .object(["command": .string("curl -s -m 5 http://127.0.0.1:\(port)/"), "description": .string("fetch")]),
                finalText: "fetched"))
            try FileManager.default.createDirectory(at: harness.approved.appendingPathComponent("net"), withIntermediateDirectories: true)
            let job = harness.job(workspace: "net", prompt: "fetch the local service")
            try await harness.start(job)
            let answered = Task { try await harness.allowEveryToolCall(of: job.jobId) }
            defer { answered.cancel() }
            let result = try await harness.fakeGuard.first(JobResult.self, timeout: .seconds(90)) { $0.jobId == job.jobId }
            try await harness.fakeGuard.send(JobResultAck(jobId: job.jobId))

            #expect(result.outcome == .completed, "\(result.errorDetail ?? "")")
            #expect(result.text == "fetched")
            #expect(hits.load(ordering: .relaxed) == 0, "the tool reached the loopback service")
            let toolResult = try #require(harness.server.requests.flatMap(\.toolResults).first)
            #expect(toolResult.text.contains("gatehouse proxy: 127.0.0.1 is a loopback address"), "\(toolResult.text)")
            let lines = logs.allLines
            let apiPort = try #require(URL(string: harness.server.baseURL)?.port)
            #expect(lines.contains { $0.contains("outbound proxy connected") && $0.contains("\"proxy.port\": \(apiPort)")
                && $0.contains("\"job.id\": \(job.jobId)") }, "the CLI's API calls did not go through the proxy")
            #expect(lines.contains { $0.contains("refused a connection") && $0.contains("\"proxy.port\": \(port)")
                && $0.contains("\"job.id\": \(job.jobId)") })
        }
        await listener.stop()
    }
}

extension ExecutorHarness {
    /// Answers every permission question of the job with "allow", as a guard whose policy allows would.
    func allowEveryToolCall(of jobId: String) async throws {
        var answered: Set<String> = []
        while !Task.isCancelled {
            for envelope in fakeGuard.messages where envelope.type == .permissionRequest {
                guard let request = try? WireCodec.decode(PermissionRequest.self, from: envelope), request.jobId == jobId,
                    answered.insert(request.requestId).inserted
                else { continue }
                try await fakeGuard.send(PermissionDecision(jobId: jobId, requestId: request.requestId, allow: true, message: nil))
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}
