import Foundation
import Messages

/// Decides, for every tool call Claude makes: allow, deny (with the reason Claude is told), or ask the person whose
/// job it is. This is the first of two independent layers: the guard checks paths lexically here; the executor
/// checks the real path on disk before it answers allow (for Bash, the paths `BashPolicy.staticPaths` finds), and
/// the kernel confines what runs.
public struct ToolPolicy: Sendable {
    /// Tools that only touch files, and the input fields that name those files.
    static let fileTools: [String: [String]] = [
        "Read": ["file_path"], "Write": ["file_path"], "Edit": ["file_path"], "MultiEdit": ["file_path"],
        "NotebookEdit": ["notebook_path"], "NotebookRead": ["notebook_path"], "Glob": ["path"], "Grep": ["path"], "LS": ["path"],
    ]
    static let writingTools: Set<String> = ["Write", "Edit", "MultiEdit", "NotebookEdit"]

    /// Extensions of files that are not directories in any project one would meet: a Grep over such a `path`
    /// searches that one file.
    static let fileExtensions: Set<String> = [
        "swift", "py", "js", "mjs", "cjs", "ts", "tsx", "jsx", "go", "rs", "c", "h", "cc", "cpp", "hpp", "m", "java", "kt",
        "rb", "php", "cs", "sh", "md", "txt", "json", "yaml", "yml", "toml", "xml", "html", "css", "scss", "sql", "lock",
        "log", "csv", "ini", "cfg", "gradle", "vue", "svelte", "lua", "pl", "r", "ex", "exs", "erl", "hs", "ml", "scala",
    ]

    let file: ToolPolicyFile
    let bash: BashPolicy

    public init(file: ToolPolicyFile = .init()) {
        self.file = file
        var configuration = BashPolicy.Configuration()
        configuration.extraReadOnlyPrograms = Set(file.bash?.readOnlyPrograms ?? [])
        configuration.extraDeniedPrograms = Set(file.bash?.deniedPrograms ?? [])
        if file.bash?.network == .deny { configuration.networkTools = .deny }
        if let work = file.bash?.workspaceWork, work != .allow { configuration.workspaceWork = .ask }
        bash = BashPolicy(configuration: configuration)
    }

    /// The verdict when nothing is known about the job but its workspace: as if the CLI were not confined.
    /// - Parameter workspace: the absolute workspace directory of the job.
    public func decide(toolName: String, input: JSONValue, workspace: String) -> PolicyVerdict {
        decide(toolName: toolName, input: input, context: ToolCallContext(workspace: workspace))
    }

    public func decide(toolName: String, input: JSONValue, context: ToolCallContext) -> PolicyVerdict {
        if file.deny?.contains(toolName) == true {
            return .deny(reason: "\(toolName) is turned off by the operator's policy")
        }
        let verdict = defaultVerdict(toolName: toolName, input: input, context: context)
        if case .ask = verdict, file.allow?.contains(toolName) == true { return .allow }
        if case .allow = verdict, file.ask?.contains(toolName) == true {
            return .ask(reason: "the operator's policy asks before \(toolName)")
        }
        return verdict
    }

    private func defaultVerdict(toolName: String, input: JSONValue, context: ToolCallContext) -> PolicyVerdict {
        if toolName == Self.sendFileTool { return sendFileVerdict(input: input, context: context) }
        if let pathFields = Self.fileTools[toolName] {
            return fileVerdict(toolName: toolName, input: input, pathFields: pathFields, context: context)
        }
        if ToolCatalog.internalTools.contains(toolName) { return .allow }
        switch toolName {
        case "Bash":
            guard let command = input["command"]?.stringValue else { return .deny(reason: "the command is missing") }
            return bash.decide(command: command, context: context)
        case "WebFetch":
            guard let url = input["url"]?.stringValue else { return .deny(reason: "the URL is missing") }
            if let problem = NetworkTarget.problem(withURL: url) { return .deny(reason: problem) }
            switch file.webFetch ?? .ask {
            case .allow: return .allow
            case .deny: return .deny(reason: "fetching web pages is turned off by the operator's policy")
            case .ask: return .ask(reason: "Claude wants to fetch a web page")
            }
        case "WebSearch":
            return .allow
        default:
            guard let question = ToolCatalog.question(for: toolName) else {
                return .ask(reason: "\(toolName) is not covered by the policy")
            }
            // A tool that runs a command (Monitor) is refused whatever Bash would refuse.
            if let command = input["command"]?.stringValue,
               case .deny(let reason) = bash.decide(command: command, context: context) {
                return .deny(reason: reason)
            }
            return .ask(reason: question)
        }
    }

    private func fileVerdict(toolName: String, input: JSONValue, pathFields: [String], context: ToolCallContext) -> PolicyVerdict {
        let workspace = context.workspace
        var named: String?
        for field in pathFields {
            guard let value = input[field] else { continue }
            guard let path = value.stringValue else { return .deny(reason: "\(field) is not a path") }
            if let problem = Self.problem(with: path, context: context, reading: !Self.writingTools.contains(toolName)) {
                return .deny(reason: problem)
            }
            named = path
            let normalized = Self.normalize(path.hasPrefix("/") ? path : workspace + "/" + path)
            if Self.writingTools.contains(toolName), BashPaths.isInside(normalized, root: Self.normalize(workspace)) {
                let relative = Self.relative(normalized, to: workspace)
                if let concern = ProgramFiles.concern(relative) {
                    return .ask(reason: "\(toolName) changes `\(relative)`: \(concern)")
                }
            }
        }
        switch toolName {
        case "Glob":
            // Glob lists names only; a pattern aimed at secret names is refused, any other is allowed.
            if let pattern = input["pattern"]?.stringValue {
                if pattern.contains("..") { return .deny(reason: "the pattern leaves the workspace") }
                if pattern.hasPrefix("/"), let problem = Self.problem(with: pattern, context: context, reading: true) {
                    return .deny(reason: problem)
                }
                if Self.targetsSecrets(pattern) { return .deny(reason: "the pattern `\(pattern)` looks for secret files") }
            }
        case "Grep":
            let glob = input["glob"]?.stringValue
            if let glob, Self.targetsSecrets(glob) { return .deny(reason: "the search is aimed at secret files (`\(glob)`)") }
            if context.workspaceHoldsSecrets && !Self.searchAvoidsSecrets(path: named, glob: glob) {
                return .ask(reason: "the search would cover the secret files the workspace holds (name a file or a `glob` to avoid them)")
            }
        default:
            break
        }
        return .allow
    }

    /// Gatehouse's own tool (the executor's MCP server `gatehouse`): sends a file to the person's chat.
    public static let sendFileTool = "mcp__gatehouse__send_file"

    /// A file goes to the chat only from inside the workspace and only if it holds no secret; the CLI's own files
    /// under its home (which reads may reach) are never sent.
    private func sendFileVerdict(input: JSONValue, context: ToolCallContext) -> PolicyVerdict {
        guard let path = input["path"]?.stringValue, !path.isEmpty else { return .deny(reason: "the path is missing") }
        let workspaceOnly = ToolCallContext(
            workspace: context.workspace, confined: context.confined, workspaceHoldsSecrets: context.workspaceHoldsSecrets)
        if let problem = Self.problem(with: path, context: workspaceOnly, reading: true) { return .deny(reason: problem) }
        return .allow
    }

    /// Whether a pattern (with `{a,b}` alternatives) could be aimed at secret files.
    static func targetsSecrets(_ pattern: String) -> Bool {
        BashPaths.expandBraces(pattern).contains { BashPaths.isSecret($0) }
    }

    /// Whether a Grep over `path` filtered by `glob` cannot read a secret file: it names one ordinary file, or
    /// its glob cannot match a secret's name.
    static func searchAvoidsSecrets(path: String?, glob: String?) -> Bool {
        // A negated glob (`!*.md`) leaves everything else in.
        if let glob, !glob.hasPrefix("!"), !BashPaths.expandBraces(glob).contains(where: { BashPaths.couldMatchSecret($0) }) { return true }
        guard let path, !BashPaths.isGlob(path) else { return false }
        let name = BashPaths.baseName(path)
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return false }
        return fileExtensions.contains(name[name.index(after: dot)...].lowercased())
    }

    /// Why `path` may not be used, or nil when it stays inside the workspace and is not a secret. Reads of the
    /// CLI's own working files (large tool results it saved, plans) are allowed when HOME is known.
    static func problem(with path: String, context: ToolCallContext, reading: Bool) -> String? {
        if path.contains("\0") || path.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            return "the path contains control characters"
        }
        if path.hasPrefix("~") { return "the path is outside the workspace" }
        let absolute = path.hasPrefix("/") ? path : context.workspace + "/" + path
        let normalized = normalize(absolute)
        let root = normalize(context.workspace)
        guard normalized == root || normalized.hasPrefix(root == "/" ? "/" : root + "/") else {
            if isCLIWorkingFile(normalized, home: context.home, reading: reading) { return nil }
            return "the path is outside the workspace"
        }
        if BashPaths.isSecret(normalized) || ["/.claude/", "/.kube/"].contains(where: { (normalized + "/").contains($0) }) {
            return "the file holds secrets"
        }
        return nil
    }

    /// `<home>/.claude/projects/<project>/…/tool-results/<file>` (output the CLI saved for Claude to read) and
    /// `<home>/.claude/plans/<file>.md` (plan mode's plans, also written).
    static func isCLIWorkingFile(_ path: String, home: String?, reading: Bool) -> Bool {
        guard let home, home.hasPrefix("/") else { return false }
        let state = normalize(home) + "/.claude/"
        guard path.hasPrefix(state), !BashPaths.isSecret(path) else { return false }
        let parts = path.dropFirst(state.count).split(separator: "/")
        if parts.count == 2, parts[0] == "plans", parts[1].hasSuffix(".md") { return true }
        return reading && parts.count >= 4 && parts[0] == "projects" && parts[parts.count - 2] == "tool-results"
    }

    static func relative(_ path: String, to workspace: String) -> String {
        let root = normalize(workspace)
        if path == root { return "." }
        return path.hasPrefix(root + "/") ? String(path.dropFirst(root.count + 1)) : path
    }

    /// Collapses `.`, `..` and repeated slashes without touching the disk.
    static func normalize(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch part {
            case ".": continue
            case "..": if !parts.isEmpty { parts.removeLast() }
            default: parts.append(part)
            }
        }
        return "/" + parts.joined(separator: "/")
    }
}
