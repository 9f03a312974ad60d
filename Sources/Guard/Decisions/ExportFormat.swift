import Foundation
import Messages
import Rendering

/// What `/export` sends: the session's transcript as Markdown (the default), a self-contained HTML page, or JSON.
public enum ExportFormat: String, Sendable, Equatable, CaseIterable {
    case markdown = "md", html, json

    /// Reads what followed `/export`: nothing, `md`/`markdown`, `html` or `json`; nil for anything else.
    public init?(argument: String?) {
        switch argument?.lowercased() {
        case nil, "", "md", "markdown": self = .markdown
        case "html": self = .html
        case "json": self = .json
        default: return nil
        }
    }

    var fileName: String { "transcript.\(rawValue)" }

    /// What the executor is asked for: JSON for `json`, Markdown for the others.
    var transcriptFormat: FileRequest.TranscriptFormat { self == .json ? .json : .markdown }

    /// The file's content from what the executor sent (Markdown, or JSON for `json`).
    func document(from transcript: String) -> String {
        self == .html ? Self.page(markdown: transcript) : transcript
    }

    /// A page that reads well in any browser with nothing to fetch: the Markdown rendered as the chat shows it, the
    /// title from its first heading, styles inline.
    static func page(markdown: String) -> String {
        let title = markdown.split(separator: "\n").first { $0.hasPrefix("# ") }.map { String($0.dropFirst(2)) } ?? "Claude session"
        return """
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(TelegramHTML.escape(title))</title>
            <style>
            body { font: 16px/1.5 -apple-system, "Segoe UI", Roboto, sans-serif; max-width: 50rem; margin: 2rem auto; padding: 0 1rem; color: #1d1d1f; }
            main { white-space: pre-wrap; word-wrap: break-word; }
            pre, code { font-family: ui-monospace, Menlo, Consolas, monospace; background: #f4f4f5; border-radius: 4px; }
            pre { padding: .75rem; overflow-x: auto; }
            blockquote { border-left: 3px solid #d4d4d8; margin: 0; padding-left: 1rem; color: #52525b; }
            </style>
            </head>
            <body>
            <main>\(TelegramHTML.render(markdown: markdown))</main>
            </body>
            </html>

            """
    }
}
