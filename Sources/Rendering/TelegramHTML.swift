import Foundation

/// Claude's Markdown to Telegram HTML, escaping, and a strict reading of Telegram HTML.
public enum TelegramHTML {
    /// Escapes text for Telegram HTML. `"` is escaped too, so the result is also safe inside an attribute value.
    public static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }

    /// Renders the Markdown subset Claude writes as Telegram HTML. The result always parses with
    /// `visibleText(ofHTML:)`: should the renderer ever produce something invalid, the Markdown is sent
    /// escaped as plain text instead, so a reply is never rejected by Telegram.
    public static func render(markdown: String) -> String {
        let html = renderUnchecked(markdown: markdown)
        if (try? TelegramHTMLParser.parse(html)) != nil { return html }
        return escape(normalize(markdown))
    }

    /// The text Telegram would show for `html` (entities decoded, tags removed).
    /// Throws a `RenderingError` naming the first problem and its byte offset where Telegram would refuse the
    /// message: unsupported tags or attributes, mis-nested or unclosed tags, forbidden nesting, bare `<`/`>`/`&`
    /// or unknown entities.
    public static func visibleText(ofHTML html: String) throws(RenderingError) -> String {
        var text = ""
        for token in try TelegramHTMLParser.parse(html) {
            if case .text(_, let visible) = token { text += visible }
        }
        return text
    }

    /// The renderer without the safety net; tests use it to prove the net is never needed.
    static func renderUnchecked(markdown: String) -> String {
        let blocks = MarkdownBlockParser.parse(normalize(markdown))
        return BlockRenderer.render(blocks, insideQuote: false)
    }

    /// Unifies line endings and replaces NUL, which no Telegram client can show.
    static func normalize(_ markdown: String) -> String {
        markdown
            .replacingOccurrences(of: "\r\n", with: "\n")
            .replacingOccurrences(of: "\r", with: "\n")
            .replacingOccurrences(of: "\u{0}", with: "\u{FFFD}")
    }
}
