

/// A one-line, display-ready description of a tool call for the status message: which file, which command, which
/// pattern. Paths inside the workspace are shown relative to it; everything is redacted of secrets and shortened.
public enum ToolSummary {
    public static let limit = 120

    public static func describe(tool: String, input: JSONValue, workspace: String) -> String {
        let text: String
        switch tool {
        case "Read", "Write", "Edit", "MultiEdit", "NotebookEdit":
            text = relative(input["file_path"]?.stringValue ?? input["notebook_path"]?.stringValue ?? "", to: workspace)
        case "Bash":
            text = input["command"]?.stringValue ?? ""
        case "Glob", "Grep":
            let pattern = input["pattern"]?.stringValue ?? ""
            let path = input["path"]?.stringValue.map { " in " + relative($0, to: workspace) } ?? ""
            text = pattern + path
        case "LS":
            text = relative(input["path"]?.stringValue ?? ".", to: workspace)
        case "WebFetch":
            text = input["url"]?.stringValue ?? ""
        case "WebSearch":
            text = input["query"]?.stringValue ?? ""
        case "Task", "Agent":
            text = input["description"]?.stringValue ?? ""
        default:
            text = input.objectValue?.values.compactMap(\.stringValue).first ?? ""
        }
        let oneLine = SecretRedactor.redact(text).split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        return oneLine.count > limit ? String(oneLine.prefix(limit - 1)) + "…" : oneLine
    }

    static func relative(_ path: String, to workspace: String) -> String {
        if path == workspace { return "." }
        if path.hasPrefix(workspace + "/") { return String(path.dropFirst(workspace.count + 1)) }
        return path
    }
}
