/// Turns Markdown blocks into Telegram HTML. Telegram has no headings, lists or tables, so headings become
/// bold lines, list items become `•`/`N.` lines with their nesting kept as indentation, and tables become
/// aligned monospaced text. Telegram forbids `<pre>` inside `<blockquote>`, so code and tables inside a quote
/// are written as lines of inline code.
enum BlockRenderer {
    static let ruleText = String(repeating: "\u{2500}", count: 12)
    static let listIndent = "    "

    static func render(_ blocks: [PlacedBlock], insideQuote: Bool) -> String {
        var html = ""
        for (position, placed) in blocks.enumerated() {
            if position > 0 { html += placed.afterBlankLine ? "\n\n" : "\n" }
            html += render(placed.block, insideQuote: insideQuote)
        }
        return html
    }

    private static func render(_ block: MarkdownBlock, insideQuote: Bool) -> String {
        switch block {
        case .paragraph(let text):
            return InlineMarkdown.html(text)
        case .heading(let text):
            return InlineMarkdown.html(text, wrappedIn: "b")
        case .codeBlock(let language, let code):
            if insideQuote { return codeLines(code) }
            guard let language else { return "<pre>\(TelegramHTML.escape(code))</pre>" }
            let languageClass = TelegramHTML.escape("language-" + language)
            return "<pre><code class=\"\(languageClass)\">\(TelegramHTML.escape(code))</code></pre>"
        case .rule:
            return ruleText
        case .quote(let inner):
            let content = render(inner, insideQuote: true)
            // Telegram does not nest quotes: an inner quote is flattened into the outer one.
            return insideQuote || content.isEmpty ? content : "<blockquote>\(content)</blockquote>"
        case .listItem(let depth, let marker, let text):
            let indent = String(repeating: listIndent, count: depth)
            return indent + TelegramHTML.escape(marker) + " " + InlineMarkdown.html(text)
        case .table(let table):
            let text = TableFormatter.format(table)
            return insideQuote ? codeLines(text) : "<pre>\(TelegramHTML.escape(text))</pre>"
        }
    }

    private static func codeLines(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.isEmpty ? "" : "<code>\(TelegramHTML.escape(String($0)))</code>" }
            .joined(separator: "\n")
    }
}
