import Foundation
import Messages
import Synchronization
import Testing
@testable import Executor

/// The executor's in-process MCP server, as the real CLI talks to it (the messages below are the ones measured):
/// initialize, the initialized notification, tools/list with `send_file` always loaded, tools/call; and how a file's
/// content decides photo or document.
@Suite struct GatehouseToolServerTests {
    final class SentPaths: Sendable {
        let paths = Mutex<[String]>([])
    }

    let sent = SentPaths()

    var server: GatehouseToolServer {
        GatehouseToolServer { [sent] path in
            sent.paths.withLock { $0.append(path) }
            return path == "secret.txt" ? .failure(SendFileRefusal(reason: "the file holds secrets")) : .success("sent \(path) to the chat as a document")
        }
    }

    func message(_ json: String) throws -> JSONValue { try JSONDecoder().decode(JSONValue.self, from: Data(json.utf8)) }

    @Test func initializeEchoesTheVersionAndNotificationsGetAnEmptyResult() async throws {
        let reply = await server.respond(to: try message(
            #"{"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{}},"jsonrpc":"2.0","id":0}"#))
        #expect(reply["id"] == .number(0))
        #expect(reply["result"]?["protocolVersion"] == .string("2025-11-25"))
        #expect(reply["result"]?["serverInfo"]?["name"] == .string("gatehouse"))
        let notification = await server.respond(to: try message(#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#))
        #expect(notification == .object(["jsonrpc": .string("2.0"), "result": .object([:])]))
    }

    /// The handshake answers sent ahead in `initialize` are the server's own, so a CLI that takes them sees the same
    /// server as one that asks; without tools, `initialize` names no server.
    @Test func theInitializeRequestCarriesTheServersOwnHandshakeAnswers() async throws {
        let initialized = await server.respond(to: try message(
            #"{"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{}},"jsonrpc":"2.0","id":0}"#))
        let listed = await server.respond(to: try message(#"{"method":"tools/list","jsonrpc":"2.0","id":1}"#))
        let offering = ClaudeStdinMessage.initialize(offeringTools: true).json["request"]
        #expect(offering?["sdkMcpServers"] == .array([.string("gatehouse")]))
        let manifest = offering?["sdkMcpServerManifests"]?["gatehouse"]
        #expect(manifest?["initializeResult"] == initialized["result"])
        #expect(manifest?["toolsListResult"] == listed["result"])
        #expect(offering?["hooks"]?["PreToolUse"] != nil)
        let plain = ClaudeStdinMessage.initialize(offeringTools: false).json["request"]
        #expect(plain?["sdkMcpServers"] == nil && plain?["sdkMcpServerManifests"] == nil)
    }

    @Test func toolsListOffersSendFileAlwaysLoaded() async throws {
        let reply = await server.respond(to: try message(#"{"method":"tools/list","jsonrpc":"2.0","id":1}"#))
        let tools = try #require(reply["result"]?["tools"]?.arrayValue)
        #expect(tools.count == 1)
        #expect(tools.first?["name"] == .string("send_file"))
        #expect(tools.first?["_meta"]?["anthropic/alwaysLoad"] == .bool(true))
        #expect(tools.first?["inputSchema"]?["required"] == .array([.string("path")]))
    }

    @Test func toolsCallSendsAndReportsSuccessOrTheRefusal() async throws {
        let ok = await server.respond(to: try message(
            #"{"method":"tools/call","params":{"name":"send_file","arguments":{"path":"report.pdf"},"_meta":{"claudecode/toolUseId":"toolu_1"}},"jsonrpc":"2.0","id":2}"#))
        #expect(ok["id"] == .number(2))
        #expect(ok["result"] == GatehouseToolServer.toolResult("sent report.pdf to the chat as a document", isError: false))
        let refused = await server.respond(to: try message(
            #"{"method":"tools/call","params":{"name":"send_file","arguments":{"path":"secret.txt"}},"jsonrpc":"2.0","id":3}"#))
        #expect(refused["result"] == GatehouseToolServer.toolResult("refused: the file holds secrets", isError: true))
        let missing = await server.respond(to: try message(
            #"{"method":"tools/call","params":{"name":"send_file","arguments":{}},"jsonrpc":"2.0","id":4}"#))
        #expect(missing["result"]?["isError"] == .bool(true))
        let unknown = await server.respond(to: try message(
            #"{"method":"tools/call","params":{"name":"rm","arguments":{}},"jsonrpc":"2.0","id":5}"#))
        #expect(unknown["error"]?["code"] == .number(-32602))
        let method = await server.respond(to: try message(#"{"method":"resources/list","jsonrpc":"2.0","id":6}"#))
        #expect(method["error"]?["code"] == .number(-32601))
        #expect(sent.paths.withLock { $0 } == ["report.pdf", "secret.txt"])
    }

    @Test func theCLIsMCPMessageIsParsedAndTheAnswerWrapped() throws {
        let line = #"{"type":"control_request","request_id":"r-1","request":{"subtype":"mcp_message","server_name":"gatehouse","message":{"method":"tools/list","jsonrpc":"2.0","id":1}}}"#
        guard case .mcpMessage(let requestId, let server, let message) = ClaudeStreamLine(line: Substring(line)) else {
            Issue.record("not parsed as an MCP message")
            return
        }
        #expect(requestId == "r-1" && server == "gatehouse" && message["method"] == .string("tools/list"))
        let answer = ClaudeStdinMessage.mcpResponse(requestId: "r-1", message: .object(["id": .number(1)])).json
        #expect(answer["response"]?["request_id"] == .string("r-1"))
        #expect(answer["response"]?["response"]?["mcp_response"]?["id"] == .number(1))
    }

    @Test func photosAreToldByContentAndTelegramsLimits() {
        func png(_ width: UInt32, _ height: UInt32) -> [UInt8] {
            let be = { (v: UInt32) in [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
            return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13] + Array("IHDR".utf8) + be(width) + be(height) + [8, 2, 0, 0, 0]
        }
        #expect(OutgoingFileKind.of(png(800, 600)) == .photo)
        #expect(OutgoingFileKind.of(png(9_000, 2_000)) == .document, "width + height over 10,000")
        #expect(OutgoingFileKind.of(png(4_200, 200)) == .document, "sides over 20:1")
        #expect(OutgoingFileKind.of(png(800, 600) + [UInt8](repeating: 0, count: 10 * 1024 * 1024)) == .document, "over 10 MB")
        #expect(OutgoingFileKind.of(Array("GIF89a".utf8) + [0x40, 0x01, 0xF0, 0x00]) == .photo)
        let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0x00, 0x00, 0xFF, 0xC0, 0x00, 0x11, 0x08, 0x01, 0xE0, 0x02, 0x80, 0x03]
        #expect(OutgoingFileKind.imageSize(jpeg + [UInt8](repeating: 0, count: 16))! == (640, 480))
        #expect(OutgoingFileKind.of(Array("%PDF-1.7 not a picture".utf8)) == .document)
        #expect(OutgoingFileKind.of(Array("chart.png is the name, not the content".utf8)) == .document)
    }
}
