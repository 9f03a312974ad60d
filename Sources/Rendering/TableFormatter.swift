/// Lays a pipe table out as monospaced text with aligned columns. Cell Markdown is reduced to the text it
/// shows (a `<pre>` block cannot hold formatting), and widths count wide CJK and emoji characters as two.
enum TableFormatter {
    static func format(_ table: MarkdownTable) -> String {
        let header = table.header.map(plainText)
        let rows = table.rows.map { $0.map(plainText) }
        var widths = header.map(DisplayWidth.of)
        for row in rows {
            for (column, cell) in row.enumerated() where column < widths.count {
                widths[column] = max(widths[column], DisplayWidth.of(cell))
            }
        }
        func line(_ cells: [String]) -> String {
            var parts: [String] = []
            for (column, width) in widths.enumerated() {
                let cell = column < cells.count ? cells[column] : ""
                let alignment = column < table.alignments.count ? table.alignments[column] : .left
                parts.append(pad(cell, to: width, alignment: alignment))
            }
            return trimTrailingSpaces(parts.joined(separator: " | "))
        }
        let separator = widths.map { String(repeating: "-", count: $0) }.joined(separator: "-+-")
        return ([line(header), separator] + rows.map(line)).joined(separator: "\n")
    }

    private static func plainText(_ cell: String) -> String {
        let html = InlineMarkdown.html(cell)
        let text = (try? TelegramHTML.visibleText(ofHTML: html)) ?? cell
        return text.replacingNewlines()
    }

    private static func pad(_ text: String, to width: Int, alignment: MarkdownTable.Alignment) -> String {
        let missing = max(0, width - DisplayWidth.of(text))
        switch alignment {
        case .left:
            return text + String(repeating: " ", count: missing)
        case .right:
            return String(repeating: " ", count: missing) + text
        case .center:
            let left = missing / 2
            return String(repeating: " ", count: left) + text + String(repeating: " ", count: missing - left)
        }
    }

    private static func trimTrailingSpaces(_ line: String) -> String {
        var line = Substring(line)
        while line.last == " " { line = line.dropLast() }
        return String(line)
    }
}

private extension String {
    func replacingNewlines() -> String {
        String(map { $0 == "\n" ? " " : $0 })
    }
}
