import Messages

/// Ready-made handlers for common conversations with the CLI.
public enum FakeAnthropicScript {
    /// For a prompt containing `marker` (any prompt when nil): first a `tool_use` of `tool` with `input`; once the
    /// tool's result comes back, `finalText`. Prompts without the marker get the echo reply.
    public static func toolThenText(
        marker: String? = nil,
        tool: String,
        input: JSONValue,
        preface: String? = nil,
        finalText: String
    ) -> FakeAnthropicServer.Handler {
        { request in
            if !request.toolResults.isEmpty {
                return .text(finalText)
            }
            if let marker, !(request.lastUserText ?? "").contains(marker) {
                return await FakeAnthropicServer.echo(request)
            }
            return .toolUse(name: tool, input: input, preface: preface)
        }
    }

    /// Every turn waits `delay`, then answers as `then` would (echo by default): for cancellation and timeout tests.
    public static func slow(
        _ delay: Duration,
        then: @escaping FakeAnthropicServer.Handler = FakeAnthropicServer.echo
    ) -> FakeAnthropicServer.Handler {
        { request in .delayed(delay, await then(request)) }
    }

    /// Every turn fails with an HTTP error (500 `api_error` by default).
    public static func failing(
        status: Int = 500,
        type: String = "api_error",
        message: String = "fake internal error"
    ) -> FakeAnthropicServer.Handler {
        { _ in .error(status: status, type: type, message: message) }
    }
}
