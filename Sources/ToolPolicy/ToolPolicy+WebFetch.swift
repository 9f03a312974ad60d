import Messages

extension ToolPolicy {
    /// Whether the verdict for this tool needs `decide(toolName:input:context:resolver:)`: a lookup outside the
    /// caller (WebFetch resolves the URL's host).
    public func needsLookup(toolName: String) -> Bool {
        toolName == "WebFetch" && file.deny?.contains(toolName) != true
    }

    /// `decide(toolName:input:context:)`, and for WebFetch also the addresses the URL's host resolves to (all of
    /// A and AAAA): a public name that resolves to 127.0.0.1 or 169.254.169.254 is denied with the reason, and so is
    /// a name that does not resolve. Every other tool gets exactly the synchronous verdict, without a lookup.
    ///
    /// The lookup is the only suspension: an actor should call this before its own bookkeeping (and pass the
    /// verdict in), so that nothing it holds changes across the await.
    public func decide(toolName: String, input: JSONValue, context: ToolCallContext, resolver: any HostResolver) async -> PolicyVerdict {
        let verdict = decide(toolName: toolName, input: input, context: context)
        guard toolName == "WebFetch", let url = input["url"]?.stringValue else { return verdict }
        if case .deny = verdict { return verdict }
        if let problem = await NetworkTarget.problem(withURL: url, resolver: resolver) { return .deny(reason: problem) }
        return verdict
    }

    /// The same, knowing only the workspace (as if the CLI were not confined).
    public func decide(toolName: String, input: JSONValue, workspace: String, resolver: any HostResolver) async -> PolicyVerdict {
        await decide(toolName: toolName, input: input, context: ToolCallContext(workspace: workspace), resolver: resolver)
    }
}
