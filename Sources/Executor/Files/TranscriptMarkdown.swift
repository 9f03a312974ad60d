import Foundation
import Messages

/// A Claude Code transcript (JSONL) as Markdown for a person: a title, then each prompt and each answer in order;
/// a tool call is one line (its name and what it worked on), tool output is left out except a failure's first
/// line. Side conversations of sub-agents, the CLI's own bookkeeping and its injected reminders are left out too.
/// Every text passes the secret redactor.
struct TranscriptMarkdown {
    private enum Speaker { case person, claude }

    /// The real working directory of the session: tool paths inside it are shown relative to it.
    let workingDirectory: String
    private var body = ""
    private var speaker: Speaker?
    private var lastWasListItem = false
    private(set) var firstPrompt: String?
    private(set) var startedAt: String?
    /// The same conversation as data, for `/export json`.
    private(set) var entries: [TranscriptExport.Entry] = []

    init(workingDirectory: String) {
        self.workingDirectory = workingDirectory
    }

    mutating func add(line: Data) {
        guard let entry = try? JSONDecoder().decode(JSONValue.self, from: line) else { return }
        add(entry)
    }

    mutating func add(_ entry: JSONValue) {
        guard let type = entry["type"]?.stringValue, type == "user" || type == "assistant",
              entry["isSidechain"]?.boolValue != true, entry["isMeta"]?.boolValue != true,
              let content = entry["message"]?["content"]
        else { return }
        if type == "user" {
            addUser(content, timestamp: entry["timestamp"]?.stringValue)
        } else {
            for block in content.arrayValue ?? [] { addAssistant(block) }
        }
    }

    private mutating func addUser(_ content: JSONValue, timestamp: String?) {
        if let text = content.stringValue {
            addPrompt(text, timestamp: timestamp)
            return
        }
        for block in content.arrayValue ?? [] {
            switch block["type"]?.stringValue {
            case "text":
                if let text = block["text"]?.stringValue { addPrompt(text, timestamp: timestamp) }
            case "image":
                append("_(an image)_", as: .person, listItem: false)
                entries.append(.init(role: "person", kind: "image", text: "(an image)"))
            case "tool_result" where block["is_error"]?.boolValue == true:
                let output = block["content"]?.stringValue
                    ?? block["content"]?.arrayValue?.compactMap { $0["text"]?.stringValue }.first ?? ""
                let oneLine = output.split(whereSeparator: \.isNewline).joined(separator: " · ")
                let failure = SecretRedactor.redact(Self.firstLine(oneLine, limit: 160))
                append("  - failed: " + failure, as: .claude, listItem: true)
                entries.append(.init(role: "claude", kind: "failure", text: failure))
            default:
                break
            }
        }
    }

    private mutating func addPrompt(_ text: String, timestamp: String?) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        // What the CLI injects as the user (reminders, local command echoes) is not something the person said.
        guard !trimmed.isEmpty, !trimmed.hasPrefix("<system-reminder>"), !trimmed.hasPrefix("<local-command"),
              !trimmed.hasPrefix("<command-")
        else { return }
        if firstPrompt == nil {
            firstPrompt = trimmed
            startedAt = timestamp
        }
        append(SecretRedactor.redact(trimmed), as: .person, listItem: false)
        entries.append(.init(role: "person", kind: "text", text: SecretRedactor.redact(trimmed)))
    }

    private mutating func addAssistant(_ block: JSONValue) {
        switch block["type"]?.stringValue {
        case "text":
            let text = (block["text"]?.stringValue ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            if !text.isEmpty {
                append(SecretRedactor.redact(text), as: .claude, listItem: false)
                entries.append(.init(role: "claude", kind: "text", text: SecretRedactor.redact(text)))
            }
        case "tool_use":
            let name = block["name"]?.stringValue ?? "tool"
            let summary = ToolSummary.describe(tool: name, input: block["input"] ?? .null, workspace: workingDirectory)
            append("- **\(name)**" + (summary.isEmpty ? "" : ": `\(summary.replacingOccurrences(of: "`", with: "'"))`"),
                   as: .claude, listItem: true)
            entries.append(.init(role: "claude", kind: "tool", text: summary.isEmpty ? name : "\(name): \(summary)"))
        default:
            break
        }
    }

    private mutating func append(_ text: String, as who: Speaker, listItem: Bool) {
        if speaker != who {
            body += (body.isEmpty ? "" : "\n\n") + (who == .person ? "## You" : "## Claude") + "\n\n" + text
        } else {
            body += (listItem && lastWasListItem ? "\n" : "\n\n") + text
        }
        speaker = who
        lastWasListItem = listItem
    }

    /// The whole document. `workspace` is the directory as the person knows it (relative to the approved one).
    func render(sessionId: String, workspace: String, skippedLines: Int) -> String {
        let title = firstPrompt.map { Self.firstLine($0, limit: 80) } ?? "Claude session"
        var header = "# \(SecretRedactor.redact(title))\n\n_Session `\(sessionId)` in `\(workspace.isEmpty ? "." : workspace)`"
        if let startedAt { header += ", started \(startedAt)" }
        header += "_"
        if skippedLines > 0 { header += "\n\n_(\(skippedLines) oversized entries left out)_" }
        return header + "\n\n" + (body.isEmpty ? "_(nothing was said in this session)_" : body) + "\n"
    }

    /// The conversation as JSON, at most `maxBytes`: when too big, the oldest entries are left out (and counted).
    func renderJSON(sessionId: String, workspace: String, skippedLines: Int, maxBytes: Int) -> Data {
        let title = SecretRedactor.redact(firstPrompt.map { Self.firstLine($0, limit: 80) } ?? "Claude session")
        var kept = entries[...]
        while true {
            let export = TranscriptExport(
                sessionId: sessionId, directory: workspace.isEmpty ? "." : workspace, startedAt: startedAt, title: title,
                entries: Array(kept), omittedEntries: skippedLines + entries.count - kept.count)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            let data = (try? encoder.encode(export)) ?? Data("{}".utf8)
            if data.count <= maxBytes || kept.isEmpty { return data }
            kept = kept.dropFirst(max(1, kept.count / 4))
        }
    }

    static func firstLine(_ text: String, limit: Int) -> String {
        let line = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        return line.count > limit ? String(line.prefix(limit - 1)) + "…" : line
    }
}
