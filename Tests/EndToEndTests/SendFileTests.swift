import Foundation
import Messages
import Synchronization
import TestSupport
import Testing

/// Claude's `send_file` tool end to end: the real CLI calls it through the executor's in-process MCP server, the
/// PreToolUse hook puts it to the guard's policy, the executor reads and types the file, the guard queues it, and the
/// fake Telegram receives a document or a photo. Paths outside the workspace and secret files are refused, and
/// nothing is sent.
@Suite(.serialized) struct SendFileTests {
    let ann = FakeTelegramUser(id: 1001, firstName: "Ann")
    static let tool = "mcp__gatehouse__send_file"

    /// A PNG header for a 64×48 picture: what the executor reads to tell a photo from a document.
    static let png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13] + Array("IHDR".utf8)
        + [0, 0, 0, 64, 0, 0, 0, 48, 8, 2, 0, 0, 0, 0x12, 0x34, 0x56, 0x78] + Array(repeating: 0x42, count: 300))

    var options: GatehouseCluster.Options {
        var options = GatehouseCluster.Options()
        options.allowedUsers = [ann.id]
        options.environment = ["WORKSPACE_MODE": "private"]
        return options
    }

    /// Runs `steps` one tool call per model turn, then answers with every tool result it got, in order.
    func script(_ steps: [(String, JSONValue)], marker: String) -> FakeAnthropicServer.Handler {
        let seen = Mutex<[String]>([])
        return { request in
            if let result = request.toolResults.last {
                seen.withLock { $0.append("error=\(result.isError): \(result.text.prefix(200))") }
            }
            let done = seen.withLock { $0 }
            if done.count < steps.count { return .toolUse(name: steps[done.count].0, input: steps[done.count].1) }
            return .text("\(marker) " + done.joined(separator: " | "))
        }
    }

    @Test func aFileClaudeWroteArrivesAsADocumentAndAPictureAsAPhoto() async throws {
        try await GatehouseCluster.with(options) { cluster in
            let home = cluster.approved.appendingPathComponent("1001")
            try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
            try Self.png.write(to: home.appendingPathComponent("chart.png"))
            cluster.anthropic.setHandler(script([
                ("Write", .object(["file_path": .string(home.appendingPathComponent("report.md").path), "content": .string("# Report\nAll good.\n")])),
                (Self.tool, .object(["path": .string("report.md")])),
                (Self.tool, .object(["path": .string(home.appendingPathComponent("chart.png").path)])),
            ], marker: "SENT"))
            cluster.telegram.enqueueMessage(from: ann, text: "send me the report and the chart")
            let answer = try #require(await cluster.reply(in: ann.id, containing: "SENT", timeout: .seconds(60)))
            let text = answer.plainText ?? ""
            #expect(text.contains("error=false: sent report.md to the chat as a document"), "\(text)")
            #expect(text.contains("error=false: sent chart.png to the chat as a photo"), "\(text)")
            let messages = cluster.telegram.messages(inChat: ann.id)
            let document = try #require(messages.first { $0.kind == "document" && $0.fileName == "report.md" })
            #expect(document.fileBytes == Data("# Report\nAll good.\n".utf8))
            let photo = try #require(messages.first { $0.kind == "photo" })
            #expect(photo.fileBytes == Self.png)
            // Delivered before the answer that mentions them.
            #expect(document.messageId < answer.messageId && photo.messageId < answer.messageId)
            #expect(cluster.telegram.violations.isEmpty, "\(cluster.telegram.violations)")
        }
    }

    /// `SEND_FILE_TOOL=off`: the model is not offered the tool, a call to it anyway fails in the CLI, nothing is sent.
    @Test func withTheToolOffClaudeIsNotOfferedItAndCannotSendAFile() async throws {
        var options = self.options
        options.environment["SEND_FILE_TOOL"] = "off"
        try await GatehouseCluster.with(options) { cluster in
            let home = cluster.approved.appendingPathComponent("1001")
            try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
            try Data("# Report\n".utf8).write(to: home.appendingPathComponent("report.md"))
            let offered = Mutex<[String]>([])
            let steps = script([(Self.tool, .object(["path": .string("report.md")]))], marker: "ASKED")
            cluster.anthropic.setHandler { request in
                let names = (request.rawBody["tools"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
                offered.withLock { $0 += names }
                return await steps(request)
            }
            cluster.telegram.enqueueMessage(from: ann, text: "send me the report")
            let answer = try #require(await cluster.reply(in: ann.id, containing: "ASKED", timeout: .seconds(60)))
            #expect((answer.plainText ?? "").contains("error=true"), "\(answer.plainText ?? "")")
            let names = offered.withLock { $0 }
            #expect(names.contains("Read"), "the model's requests list the CLI's own tools: \(names)")
            #expect(!names.contains(Self.tool))
            let files = cluster.telegram.messages(inChat: ann.id).filter { $0.kind == "document" || $0.kind == "photo" }
            #expect(files.isEmpty)
        }
    }

    @Test func pathsOutsideTheWorkspaceAndSecretsAreRefusedAndNothingIsSent() async throws {
        try await GatehouseCluster.with(options) { cluster in
            let home = cluster.approved.appendingPathComponent("1001")
            try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
            try Data("TOKEN=secret-value\n".utf8).write(to: home.appendingPathComponent(".env"))
            let outside = cluster.root.appendingPathComponent("outside.txt")
            try Data("not yours\n".utf8).write(to: outside)
            // A link inside the workspace to the file outside: the policy sees an inside path, the executor's disk
            // check sees where it really goes.
            try FileManager.default.createSymbolicLink(at: home.appendingPathComponent("innocent.txt"), withDestinationURL: outside)
            cluster.anthropic.setHandler(script([
                (Self.tool, .object(["path": .string(outside.path)])),
                (Self.tool, .object(["path": .string("../../outside.txt")])),
                (Self.tool, .object(["path": .string(".env")])),
                (Self.tool, .object(["path": .string("innocent.txt")])),
            ], marker: "TRIED"))
            cluster.telegram.enqueueMessage(from: ann, text: "send me those files")
            let answer = try #require(await cluster.reply(in: ann.id, containing: "TRIED", timeout: .seconds(60)))
            let results = (answer.plainText ?? "").dropFirst("TRIED ".count).components(separatedBy: " | ")
            #expect(results.count == 4, "\(results)")
            for result in results { #expect(result.hasPrefix("error=true"), "\(result)") }
            #expect(results.first?.contains("outside the workspace") == true, "\(results)")
            #expect(results.dropFirst(2).first?.contains("secret") == true, "\(results)")
            #expect(results.last?.contains("outside the workspace") == true, "\(results)")
            let files = cluster.telegram.messages(inChat: ann.id).filter { $0.kind == "document" || $0.kind == "photo" }
            #expect(files.isEmpty, "sent: \(files.map { $0.fileName ?? "?" })")
            #expect(cluster.telegram.violations.isEmpty, "\(cluster.telegram.violations)")
        }
    }
}
