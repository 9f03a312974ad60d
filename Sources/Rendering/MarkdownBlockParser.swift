/// Splits Markdown into blocks, line by line. Indented code blocks are not recognised (they clash with nested
/// lists, which Claude writes far more often); fenced code blocks are, at any indentation.
enum MarkdownBlockParser {
    static func parse(_ markdown: String) -> [PlacedBlock] {
        let lines = markdown.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        return parse(lines: lines)
    }

    static func parse(lines: [String]) -> [PlacedBlock] {
        var blocks: [PlacedBlock] = []
        var blankBefore = false
        var listIndents: [Int] = []
        var index = 0

        func add(_ block: MarkdownBlock) {
            blocks.append(PlacedBlock(block: block, afterBlankLine: blankBefore && !blocks.isEmpty))
            blankBefore = false
        }

        while index < lines.count {
            let line = lines[index]
            if isBlank(line) {
                blankBefore = true
                index += 1
                continue
            }
            let indent = indentation(of: line)
            let content = line.drop(while: { $0 == " " || $0 == "\t" })
            if indent == 0, listItem(content) == nil { listIndents = [] }

            if let fence = Fence(content) {
                var code: [String] = []
                index += 1
                while index < lines.count, !fence.isClosed(by: lines[index]) {
                    code.append(removeIndentation(indent, from: lines[index]))
                    index += 1
                }
                index += 1  // the closing fence, or past the end: an unclosed fence runs to the end (CommonMark)
                add(.codeBlock(language: fence.language, code: code.joined(separator: "\n")))
                continue
            }
            if indent <= 3, let heading = atxHeading(content) {
                add(.heading(heading))
                index += 1
                continue
            }
            if indent <= 3, isRule(content) {
                add(.rule)
                index += 1
                continue
            }
            if indent <= 3, content.hasPrefix(">") {
                var quoted: [String] = []
                while index < lines.count, indentation(of: lines[index]) <= 3,
                      let rest = quoteContent(lines[index]) {
                    quoted.append(rest)
                    index += 1
                }
                add(.quote(parse(lines: quoted)))
                continue
            }
            if index + 1 < lines.count, let table = table(at: index, in: lines) {
                add(.table(table.table))
                index = table.end
                continue
            }
            if let item = listItem(content) {
                while let last = listIndents.last, last > indent { listIndents.removeLast() }
                if listIndents.last != indent { listIndents.append(indent) }
                var text = item.text
                index += 1
                while index < lines.count, isContinuation(lines[index]) {
                    text += "\n" + lines[index].drop(while: { $0 == " " || $0 == "\t" })
                    index += 1
                }
                add(.listItem(depth: listIndents.count - 1, marker: item.marker, text: text))
                continue
            }

            var paragraph = [String(content)]
            index += 1
            var isSetextHeading = false
            while index < lines.count {
                let next = lines[index]
                if indentation(of: next) <= 3, isSetextUnderline(next) {
                    isSetextHeading = true
                    index += 1
                    break
                }
                guard isContinuation(next) else { break }
                paragraph.append(String(next.drop(while: { $0 == " " || $0 == "\t" })))
                index += 1
            }
            let text = paragraph.map(trimTrailingSpaces).joined(separator: "\n")
            add(isSetextHeading ? .heading(text) : .paragraph(text))
        }
        return blocks
    }

    // MARK: - Line classification

    static func isBlank(_ line: some StringProtocol) -> Bool {
        line.allSatisfy { $0 == " " || $0 == "\t" }
    }

    /// Leading indentation in columns; a tab counts as four.
    static func indentation(of line: some StringProtocol) -> Int {
        var columns = 0
        for character in line {
            if character == " " { columns += 1 } else if character == "\t" { columns += 4 } else { break }
        }
        return columns
    }

    private static func removeIndentation(_ columns: Int, from line: String) -> String {
        var removed = 0
        var rest = Substring(line)
        while removed < columns, let first = rest.first, first == " " || first == "\t" {
            removed += first == "\t" ? 4 : 1
            rest = rest.dropFirst()
        }
        return String(rest)
    }

    private static func trimTrailingSpaces(_ line: String) -> String {
        var line = Substring(line)
        while let last = line.last, last == " " || last == "\t" { line = line.dropLast() }
        return String(line)
    }

    /// A line that continues the current paragraph or list item: not blank and starting no other block.
    private static func isContinuation(_ line: String) -> Bool {
        if isBlank(line) { return false }
        let content = line.drop(while: { $0 == " " || $0 == "\t" })
        let shallow = indentation(of: line) <= 3
        if Fence(content) != nil || listItem(content) != nil { return false }
        if shallow && (atxHeading(content) != nil || isRule(content) || content.hasPrefix(">")) { return false }
        return true
    }

    static func atxHeading(_ content: Substring) -> String? {
        let hashes = content.prefix(while: { $0 == "#" }).count
        guard (1...6).contains(hashes) else { return nil }
        let rest = content.dropFirst(hashes)
        guard rest.isEmpty || rest.first == " " || rest.first == "\t" else { return nil }
        var text = rest.trimmingSpaces()
        // An optional closing run of `#`, when separated by a space.
        let closing = text.reversed().prefix(while: { $0 == "#" }).count
        if closing > 0 {
            let beforeClosing = text.dropLast(closing)
            if beforeClosing.isEmpty || beforeClosing.last == " " { text = beforeClosing.trimmingSpaces() }
        }
        return String(text)
    }

    static func isRule(_ content: Substring) -> Bool {
        guard let first = content.first, first == "-" || first == "*" || first == "_" else { return false }
        var count = 0
        for character in content {
            if character == first { count += 1 } else if character != " " && character != "\t" { return false }
        }
        return count >= 3
    }

    private static func isSetextUnderline(_ line: String) -> Bool {
        let content = line.trimmingSpaces()
        guard let first = content.first, first == "=" || first == "-" else { return false }
        return content.allSatisfy { $0 == first }
    }

    /// The text of a quoted line without its `>` markers. Telegram cannot nest quotes, so every level of
    /// nesting is removed at once; this also keeps parsing iterative however deep the nesting goes.
    private static func quoteContent(_ line: String) -> String? {
        var content = line.drop(while: { $0 == " " })
        guard content.first == ">" else { return nil }
        while content.first == ">" {
            content = content.dropFirst()
            if content.first == " " { content = content.dropFirst() }
            let afterSpaces = content.drop(while: { $0 == " " || $0 == "\t" })
            if afterSpaces.first == ">" { content = afterSpaces }
        }
        return String(content)
    }

    /// `- item`, `* item`, `+ item`, `1. item`, `1) item`; task items become ☐/☑.
    static func listItem(_ content: Substring) -> (marker: String, text: String)? {
        guard let first = content.first else { return nil }
        var marker: String
        var rest: Substring
        if first == "-" || first == "*" || first == "+" {
            marker = "•"
            rest = content.dropFirst()
        } else {
            let digits = content.prefix(while: { $0.isASCII && $0.isNumber })
            guard (1...9).contains(digits.count) else { return nil }
            let afterDigits = content.dropFirst(digits.count)
            guard afterDigits.first == "." || afterDigits.first == ")" else { return nil }
            marker = "\(digits)."
            rest = afterDigits.dropFirst()
        }
        guard rest.isEmpty || rest.first == " " || rest.first == "\t" else { return nil }
        var text = rest.trimmingSpaces()
        if text.hasPrefix("[ ] ") || text == "[ ]" {
            marker += " ☐"
            text = text.dropFirst(3).trimmingSpaces()
        } else if text.lowercased().hasPrefix("[x] ") || text.lowercased() == "[x]" {
            marker += " ☑"
            text = text.dropFirst(3).trimmingSpaces()
        }
        return (marker, String(text))
    }

    // MARK: - Tables

    private static func table(at index: Int, in lines: [String]) -> (table: MarkdownTable, end: Int)? {
        let headerLine = lines[index]
        let delimiterLine = lines[index + 1]
        guard headerLine.contains("|"), delimiterLine.contains("|"), delimiterLine.contains("-") else { return nil }
        let header = cells(of: headerLine)
        let delimiters = cells(of: delimiterLine)
        guard header.count == delimiters.count else { return nil }
        var alignments: [MarkdownTable.Alignment] = []
        for cell in delimiters {
            let dashes = cell.trimming(":")
            guard !dashes.isEmpty, dashes.allSatisfy({ $0 == "-" }) else { return nil }
            switch (cell.hasPrefix(":"), cell.hasSuffix(":")) {
            case (true, true): alignments.append(.center)
            case (false, true): alignments.append(.right)
            default: alignments.append(.left)
            }
        }
        var rows: [[String]] = []
        var end = index + 2
        while end < lines.count, !isBlank(lines[end]), lines[end].contains("|") {
            var row = cells(of: lines[end])
            if row.count > header.count { row = Array(row.prefix(header.count)) }
            while row.count < header.count { row.append("") }
            rows.append(row)
            end += 1
        }
        return (MarkdownTable(header: header, alignments: alignments, rows: rows), end)
    }

    /// Splits a table row on `|`, except escaped `\|` and pipes inside code spans.
    static func cells(of line: String) -> [String] {
        var content = Substring(line.trimmingSpaces())
        if content.first == "|" { content = content.dropFirst() }
        if content.last == "|", !content.dropLast().hasSuffix("\\") { content = content.dropLast() }
        var cells: [String] = []
        var current = ""
        var inCode = false
        var previous: Character = " "
        for character in content {
            if character == "`" { inCode.toggle() }
            if character == "|", !inCode {
                if previous == "\\" {
                    current.removeLast()
                    current.append("|")
                } else {
                    cells.append(current)
                    current = ""
                }
            } else {
                current.append(character)
            }
            previous = character
        }
        cells.append(current)
        return cells.map { String($0.trimmingSpaces()) }
    }
}

/// A fence line (```` ``` ```` or `~~~`, three or more) and the language named after it.
struct Fence {
    let character: Character
    let length: Int
    let language: String?

    init?(_ content: Substring) {
        guard let first = content.first, first == "`" || first == "~" else { return nil }
        let length = content.prefix(while: { $0 == first }).count
        guard length >= 3 else { return nil }
        let info = content.dropFirst(length).trimmingSpaces()
        if first == "`", info.contains("`") { return nil }
        let word = info.prefix(while: { !$0.isWhitespace && $0 != "{" && $0 != "," })
        let language = String(word.filter { $0.isASCII && ($0.isLetter || $0.isNumber || "+#-_.".contains($0)) }
            .prefix(32))
        self.character = first
        self.length = length
        self.language = language.isEmpty ? nil : language
    }

    func isClosed(by line: String) -> Bool {
        let content = line.trimmingSpaces()
        let run = content.prefix(while: { $0 == character }).count
        return run >= length && run == content.count
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces and tabs.
    func trimmingSpaces() -> Substring {
        let scalars = Substring(self)
        guard let start = scalars.firstIndex(where: { $0 != " " && $0 != "\t" }),
              let end = scalars.lastIndex(where: { $0 != " " && $0 != "\t" }) else { return "" }
        return scalars[start...end]
    }

    func trimming(_ set: Character) -> Substring {
        let text = Substring(self)
        guard let start = text.firstIndex(where: { $0 != set }),
              let end = text.lastIndex(where: { $0 != set }) else { return "" }
        return text[start...end]
    }
}
