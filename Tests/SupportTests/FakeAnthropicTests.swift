import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Messages
import Subprocess
import Testing
import TestSupport

@Suite struct FakeAnthropicTests {
    @Test func streamingReplyIsTheSSEEventSequence() async throws {
        try await withServer { server in
            let (status, headers, body) = try await post(server, path: "/v1/messages?beta=true", json: json("""
                {"model":"claude-test","stream":true,"max_tokens":100,"thinking":{"type":"disabled"},
                 "messages":[{"role":"user","content":"hi there"}]}
                """))
            #expect(status == 200)
            #expect(headers["Content-Type"]?.hasPrefix("text/event-stream") == true)
            let text = String(decoding: body, as: UTF8.self)
            let events = text.split(separator: "\n").filter { $0.hasPrefix("event: ") }.map { $0.dropFirst(7) }
            #expect(events == ["message_start", "content_block_start", "content_block_delta", "content_block_stop",
                               "message_delta", "message_stop"])
            let payloads = try text.split(separator: "\n").filter { $0.hasPrefix("data: ") }.map {
                try JSONDecoder().decode(JSONValue.self, from: Data($0.dropFirst(6).utf8))
            }
            #expect(payloads[2]["delta"]?["text"]?.stringValue == "Echo: hi there")
            #expect(payloads[4]["delta"]?["stop_reason"]?.stringValue == "end_turn")
            #expect((payloads[0]["message"]?["usage"]?["input_tokens"]?.doubleValue ?? 0) > 0)
            #expect(server.requests.count == 1)
            #expect(server.requests.first?.lastUserText == "hi there")
            #expect(server.requests.first?.stream == true)
            #expect(server.requests.first?.model == "claude-test")
        }
    }

    @Test func nonStreamingToolUseReplyIsOneJSONMessage() async throws {
        try await withServer { server in
            server.setHandler { _ in .toolUse(name: "Write", input: json(#"{"file_path":"/w/a.txt"}"#), preface: "Writing.") }
            let (status, _, body) = try await post(server, path: "/v1/messages", json: json(#"{"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"go"}]}]}"#))
            #expect(status == 200)
            let message = try JSONDecoder().decode(JSONValue.self, from: body)
            #expect(message["stop_reason"]?.stringValue == "tool_use")
            let content = message["content"]?.arrayValue ?? []
            #expect(content.count == 2)
            #expect(content.first?["text"]?.stringValue == "Writing.")
            #expect(content.last?["name"]?.stringValue == "Write")
            #expect(content.last?["input"]?["file_path"]?.stringValue == "/w/a.txt")
            #expect((message["usage"]?["output_tokens"]?.doubleValue ?? 0) > 0)
        }
    }

    @Test func errorReplyCarriesStatusAndAnthropicErrorBody() async throws {
        try await withServer { server in
            server.setHandler(FakeAnthropicScript.failing(status: 529, type: "overloaded_error", message: "busy"))
            let (status, _, body) = try await post(server, path: "/v1/messages", json: json(#"{"model":"m","stream":true,"messages":[{"role":"user","content":"x"}]}"#))
            #expect(status == 529)
            let error = try JSONDecoder().decode(JSONValue.self, from: body)
            #expect(error["type"]?.stringValue == "error")
            #expect(error["error"]?["type"]?.stringValue == "overloaded_error")
            #expect(error["error"]?["message"]?.stringValue == "busy")
        }
    }

    @Test func unknownPathsAreAnswered404AndRecorded() async throws {
        try await withServer { server in
            let (status, _, _) = try await post(server, path: "/v1/unknown", json: .object([:]))
            #expect(status == 404)
            #expect(server.unhandledPaths == ["POST /v1/unknown"])
            #expect(server.requests.isEmpty)
        }
    }

    @Test func delayedReplyWaitsBeforeAnswering() async throws {
        try await withServer { server in
            server.setHandler(FakeAnthropicScript.slow(.milliseconds(300)))
            let clock = ContinuousClock()
            let start = clock.now
            let (status, _, _) = try await post(server, path: "/v1/messages", json: json(#"{"model":"m","messages":[{"role":"user","content":"x"}]}"#))
            #expect(status == 200)
            #expect(clock.now - start >= .milliseconds(300))
        }
    }

    @Test func requestParsingFindsPromptToolResultsAndSystem() {
        let request = FakeAnthropicRequest(rawBody: json("""
            {"model":"m","system":[{"type":"text","text":"You are Claude Code."}],
             "messages":[
              {"role":"user","content":[{"type":"text","text":"<system-reminder>ignore me</system-reminder>"},
                                        {"type":"text","text":"do the thing"}]},
              {"role":"assistant","content":[{"type":"tool_use","id":"t1","name":"Bash","input":{}}]},
              {"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","is_error":true,
                                         "content":[{"type":"text","text":"denied by policy"}]}]}]}
            """))
        #expect(request.lastUserText == "do the thing")
        #expect(request.userTexts == ["do the thing"])
        #expect(request.toolResults == [FakeAnthropicToolResult(toolUseId: "t1", text: "denied by policy", isError: true)])
        #expect(request.systemText == "You are Claude Code.")
        #expect(request.stream == false)
    }

    @Test func toolThenTextScriptsOneToolCallThenTheAnswer() async {
        let handler = FakeAnthropicScript.toolThenText(marker: "WRITE", tool: "Write", input: json(#"{"a":1}"#), finalText: "done")
        let plain = await handler(FakeAnthropicRequest(rawBody: json(#"{"messages":[{"role":"user","content":"hello"}]}"#)))
        guard case .text("Echo: hello") = plain else {
            Issue.record("a prompt without the marker should be echoed, got \(plain)")
            return
        }
        let first = await handler(FakeAnthropicRequest(rawBody: json(#"{"messages":[{"role":"user","content":"WRITE it"}]}"#)))
        guard case .toolUse("Write", let input, nil) = first else {
            Issue.record("expected the tool call first, got \(first)")
            return
        }
        #expect(input == json(#"{"a":1}"#))
        let second = await handler(FakeAnthropicRequest(rawBody: json("""
            {"messages":[{"role":"user","content":"WRITE it"},
                         {"role":"user","content":[{"type":"tool_result","tool_use_id":"x","content":"ok"}]}]}
            """)))
        guard case .text("done") = second else {
            Issue.record("expected the final text after the tool result, got \(second)")
            return
        }
    }

    /// The real CLI accepts the fake: a one-shot run ends with the fake's text and a real cost.
    @Test func realCLIRunsAgainstTheFake() async throws {
        let binary = try ClaudeBinary.path()
        try await withServer { server in
            let (env, home) = ClaudeTestEnvironment.make(baseURL: server.baseURL)
            defer { ClaudeTestEnvironment.remove(home: home) }
            let result = try await Subprocess.run(
                .path(.init(binary)),
                arguments: ["-p", "ping from the test", "--output-format", "stream-json", "--verbose"],
                environment: .custom(Dictionary(uniqueKeysWithValues: env.compactMap { key, value in
                    Environment.Key(rawValue: key).map { ($0, value) }
                })),
                workingDirectory: .init(home.path),
                output: .string(limit: 4 * 1024 * 1024)
            )
            let lines = result.standardOutput.split(separator: "\n")
            let last = try JSONDecoder().decode(JSONValue.self, from: Data((lines.last ?? "").utf8))
            #expect(last["type"]?.stringValue == "result")
            #expect(last["is_error"]?.boolValue == false)
            #expect(last["result"]?.stringValue == "Echo: ping from the test")
            #expect((last["total_cost_usd"]?.doubleValue ?? 0) > 0)
            #expect(server.requests.count == 1)
            #expect(server.unhandledPaths.isEmpty)
        }
    }
}

/// JSON from text, so test bodies read like the wire. Invalid text is a bug in the test itself.
private func json(_ text: String) -> JSONValue {
    guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) else {
        preconditionFailure("invalid JSON in test: \(text)")
    }
    return value
}

private func withServer(_ body: (FakeAnthropicServer) async throws -> Void) async throws {
    let server = FakeAnthropicServer()
    try await server.start()
    do {
        try await body(server)
    } catch {
        await server.stop()
        throw error
    }
    await server.stop()
}

private func post(
    _ server: FakeAnthropicServer, path: String, json: JSONValue
) async throws -> (Int, [String: String], Data) {
    let url = try #require(URL(string: server.baseURL + path))
    var request = URLRequest(url: url)
    request.httpMethod = "POST"
    request.setValue("application/json", forHTTPHeaderField: "Content-Type")
    request.httpBody = try JSONEncoder().encode(json)
    let (data, response) = try await URLSession.shared.data(for: request)
    let http = try #require(response as? HTTPURLResponse)
    var headers: [String: String] = [:]
    for (key, value) in http.allHeaderFields {
        if let key = key as? String, let value = value as? String { headers[key] = value }
    }
    return (http.statusCode, headers, data)
}
