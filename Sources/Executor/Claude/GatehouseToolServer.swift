import Messages

/// The tools Gatehouse offers Claude, as an MCP server that lives inside the executor: the runner's `initialize`
/// request names it in `sdkMcpServers`, with the answers to the MCP handshake (`sdkMcpServerManifests`: the
/// server's `initialize` and `tools/list` results) so the CLI starts without three control round trips, as the
/// Agent SDKs do; a CLI that does not take them handshakes over the control channel instead. Each JSON-RPC message
/// comes as a `mcp_message` control request on stdout; the answer goes back as the control response's
/// `mcp_response` (measured against the real CLI, see docs/claude-control-protocol.md). No process, no socket:
/// nothing else can talk to it.
///
/// Calling a tool is screened like any other: the CLI's PreToolUse hook asks the guard first
/// (`mcp__gatehouse__send_file`), and only an allowed call reaches `tools/call` here.
package struct GatehouseToolServer: Sendable {
    package static let name = "gatehouse"
    static let sendFile = "send_file"
    /// The MCP protocol version of the handshake answers sent ahead: the one the pinned CLI's client asks for.
    /// A CLI asking for another handshakes over the control channel, and is answered in its own version.
    static let protocolVersion = "2025-11-25"

    /// The server's handshake answers for the `initialize` request: its `initialize` result and its tool list.
    static let manifest: JSONValue = .object([
        "initializeResult": initializeResult(version: .string(protocolVersion)),
        "toolsListResult": .object(["tools": .array([sendFileTool])]),
    ])

    /// The reply to a message that sends nothing (notifications, `initialize`, `ping`, `tools/list`); nil for a
    /// tool call or an unknown method.
    package static func handshakeReply(to message: JSONValue) -> JSONValue? {
        guard let id = message["id"] else { return .object(["jsonrpc": .string("2.0"), "result": .object([:])]) }
        let result: JSONValue
        switch message["method"]?.stringValue ?? "" {
        case "initialize": result = initializeResult(version: message["params"]?["protocolVersion"] ?? .string(protocolVersion))
        case "ping": result = .object([:])
        case "tools/list": result = .object(["tools": .array([sendFileTool])])
        default: return nil
        }
        return .object(["jsonrpc": .string("2.0"), "id": id, "result": result])
    }

    static func initializeResult(version: JSONValue) -> JSONValue {
        .object([
            "protocolVersion": version,
            "capabilities": .object(["tools": .object([:])]),
            "serverInfo": .object(["name": .string(name), "version": .string("1")]),
        ])
    }

    /// Sends the file at `path` (as Claude named it) to the person's chat: the text for Claude on success ("sent
    /// report.pdf to the chat"), or the refusal's reason.
    let send: @Sendable (_ path: String) async -> Result<String, SendFileRefusal>

    /// The JSON-RPC reply to one message (requests get their `id` back; notifications an empty result, which the
    /// CLI accepts).
    func respond(to message: JSONValue) async -> JSONValue {
        if let reply = Self.handshakeReply(to: message) { return reply }
        let id = message["id"] ?? .null
        func result(_ value: JSONValue) -> JSONValue { .object(["jsonrpc": .string("2.0"), "id": id, "result": value]) }
        func error(_ code: Double, _ text: String) -> JSONValue {
            .object(["jsonrpc": .string("2.0"), "id": id, "error": .object(["code": .number(code), "message": .string(text)])])
        }
        switch message["method"]?.stringValue ?? "" {
        case "tools/call":
            let params = message["params"]
            guard params?["name"]?.stringValue == Self.sendFile else { return error(-32602, "unknown tool") }
            guard let path = params?["arguments"]?["path"]?.stringValue, !path.isEmpty else {
                return result(Self.toolResult("refused: the path is missing", isError: true))
            }
            switch await send(path) {
            case .success(let text): return result(Self.toolResult(text, isError: false))
            case .failure(let refusal): return result(Self.toolResult("refused: \(refusal.reason)", isError: true))
            }
        default:
            return error(-32601, "method not found")
        }
    }

    static func toolResult(_ text: String, isError: Bool) -> JSONValue {
        .object(["content": .array([.object(["type": .string("text"), "text": .string(text)])]), "isError": .bool(isError)])
    }

    /// `anthropic/alwaysLoad`: without it the CLI defers MCP tools behind its ToolSearch tool, and the model would
    /// not see `send_file` until it searched for it.
    static let sendFileTool: JSONValue = .object([
        "name": .string(sendFile),
        "description": .string(
            "Send a file from the current working directory to the user's Telegram chat: an image (PNG, JPEG, GIF, "
                + "WebP) arrives as a photo, anything else as a document. Use it when the user asks for a file or a "
                + "picture you made (say in your answer what it is). At most 20 MB; files holding secrets are refused."),
        "inputSchema": .object([
            "type": .string("object"),
            "properties": .object([
                "path": .object(["type": .string("string"), "description": .string("The file, relative to the working directory or absolute inside it.")]),
            ]),
            "required": .array([.string("path")]),
        ]),
        "_meta": .object(["anthropic/alwaysLoad": .bool(true)]),
    ])
}

/// Why a file was not sent; Claude gets the reason.
struct SendFileRefusal: Error, Sendable, Equatable {
    var reason: String
}
