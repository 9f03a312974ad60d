/// A block of Claude's Markdown, as far as Telegram can show it.
indirect enum MarkdownBlock: Equatable, Sendable {
    case paragraph(String)
    case heading(String)
    case codeBlock(language: String?, code: String)
    case rule
    case quote([PlacedBlock])
    /// One list item; `depth` 0 is the outermost list, `marker` is `•` or `N.`.
    case listItem(depth: Int, marker: String, text: String)
    case table(MarkdownTable)
}

/// A block and whether a blank line separated it from the previous one (kept in the output).
struct PlacedBlock: Equatable, Sendable {
    let block: MarkdownBlock
    let afterBlankLine: Bool
}

/// A GitHub pipe table; cells are still inline Markdown.
struct MarkdownTable: Equatable, Sendable {
    enum Alignment: Equatable, Sendable {
        case left, center, right
    }

    let header: [String]
    let alignments: [Alignment]
    let rows: [[String]]
}
