/// Inline Markdown (emphasis, strikethrough, code spans, links, escapes) rendered into an `InlineHTMLWriter`.
///
/// Emphasis follows CommonMark's delimiter-run rules with one deliberate change: a single `*` between two
/// ASCII letters or digits never opens or closes (so `a*b*c` and `2*x*y` stay literal), just as `_` never does
/// inside a word (so `snake_case_name` stays literal). Unmatched markers are left as text.
enum InlineMarkdown {
    static func render(_ text: String, into writer: inout InlineHTMLWriter) {
        var parser = Parser(characters: Array(text), allowLinks: true)
        let nodes = parser.parse()
        emit(nodes, delimiters: parser.delimiters, into: &writer)
    }

    /// Renders `text` as a standalone HTML fragment, optionally wrapped in a formatting element.
    static func html(_ text: String, wrappedIn element: String? = nil) -> String {
        var writer = InlineHTMLWriter()
        if let element { writer.open(element) }
        render(text, into: &writer)
        return writer.finish()
    }

    // MARK: - Nodes

    enum Node {
        case text(String)
        case code(String)
        /// `href` is nil when the destination was refused; the label is then followed by the destination as text.
        case link(href: String?, destination: String, label: [Node], labelDelimiters: [Delimiter])
        case delimiter(Int)
    }

    struct Delimiter {
        let character: Character
        var count: Int
        let originalCount: Int
        let canOpen: Bool
        let canClose: Bool
        var openings: [String] = []
        var closings: [String] = []
    }

    private static func emit(_ nodes: [Node], delimiters: [Delimiter], into writer: inout InlineHTMLWriter) {
        for node in nodes {
            switch node {
            case .text(let text):
                writer.text(text)
            case .code(let code):
                writer.code(code)
            case .link(let href, let destination, let label, let labelDelimiters):
                if let href {
                    writer.open("a", markup: "<a href=\"\(TelegramHTML.escape(href))\">")
                    emit(label, delimiters: labelDelimiters, into: &writer)
                    writer.close("a")
                } else {
                    emit(label, delimiters: labelDelimiters, into: &writer)
                    writer.text(" (\(destination))")
                }
            case .delimiter(let index):
                let delimiter = delimiters[index]
                let leftover = String(repeating: delimiter.character, count: delimiter.count)
                if !delimiter.openings.isEmpty {
                    writer.text(leftover)
                    // The first match is the innermost, so the opener writes matches outermost first.
                    for element in delimiter.openings.reversed() { writer.open(element) }
                } else {
                    for element in delimiter.closings { writer.close(element) }
                    writer.text(leftover)
                }
            }
        }
    }

    // MARK: - Parser

    struct Parser {
        let characters: [Character]
        let allowLinks: Bool
        var delimiters: [Delimiter] = []
        private var nodes: [Node] = []
        private var pendingText = ""

        /// For each `[`, the index of its matching `]`; for each backtick run, the start of the next run of the
        /// same length. Computed once so that unmatched brackets and backticks cost linear time, not quadratic.
        private let closingBracket: [Int: Int]
        private let closingBackticks: [Int: Int]

        init(characters: [Character], allowLinks: Bool) {
            self.characters = characters
            self.allowLinks = allowLinks
            var brackets: [Int: Int] = [:]
            var openBrackets: [Int] = []
            var runs: [(start: Int, length: Int)] = []
            var index = 0
            while index < characters.count {
                switch characters[index] {
                case "\\":
                    index += 2
                    continue
                case "[":
                    openBrackets.append(index)
                case "]":
                    if let opener = openBrackets.popLast() { brackets[opener] = index }
                case "`":
                    var end = index
                    while end < characters.count, characters[end] == "`" { end += 1 }
                    runs.append((index, end - index))
                    index = end
                    continue
                default:
                    break
                }
                index += 1
            }
            var backticks: [Int: Int] = [:]
            var nextRunOfLength: [Int: Int] = [:]
            for run in runs.reversed() {
                if let next = nextRunOfLength[run.length] { backticks[run.start] = next }
                nextRunOfLength[run.length] = run.start
            }
            closingBracket = brackets
            closingBackticks = backticks
        }

        mutating func parse() -> [Node] {
            var index = 0
            while index < characters.count {
                let character = characters[index]
                switch character {
                case "\\":
                    if index + 1 < characters.count, isASCIIPunctuation(characters[index + 1]) {
                        pendingText.append(characters[index + 1])
                        index += 2
                    } else {
                        pendingText.append(character)
                        index += 1
                    }
                case "`":
                    index = parseCodeSpan(at: index)
                case "[" where allowLinks:
                    index = parseLink(at: index, labelStart: index + 1) ?? appendText(at: index)
                case "!" where allowLinks && index + 1 < characters.count && characters[index + 1] == "[":
                    index = parseLink(at: index, labelStart: index + 2) ?? appendText(at: index)
                case "<" where allowLinks:
                    index = parseAutolink(at: index) ?? appendText(at: index)
                case "*", "_", "~":
                    index = parseDelimiterRun(at: index)
                default:
                    pendingText.append(character)
                    index += 1
                }
            }
            flushText()
            resolveEmphasis()
            return nodes
        }

        private mutating func appendText(at index: Int) -> Int {
            pendingText.append(characters[index])
            return index + 1
        }

        private mutating func flushText() {
            if !pendingText.isEmpty {
                nodes.append(.text(pendingText))
                pendingText = ""
            }
        }

        private func runLength(at index: Int) -> Int {
            var end = index
            while end < characters.count, characters[end] == characters[index] { end += 1 }
            return end - index
        }

        private mutating func parseCodeSpan(at index: Int) -> Int {
            let length = runLength(at: index)
            guard let probe = closingBackticks[index] else {
                pendingText += String(repeating: "`", count: length)
                return index + length
            }
            var content = String(characters[(index + length)..<probe].map { $0 == "\n" ? " " : $0 })
            if content.count >= 2, content.first == " ", content.last == " ", content.contains(where: { $0 != " " }) {
                content = String(content.dropFirst().dropLast())
            }
            flushText()
            nodes.append(.code(content))
            return probe + length
        }

        /// `[label](destination "title")`; returns the index after it, or nil when it is not a link.
        private mutating func parseLink(at index: Int, labelStart: Int) -> Int? {
            let labelEnd = closingBracket[labelStart - 1]
            guard let labelEnd, labelEnd + 1 < characters.count, characters[labelEnd + 1] == "(",
                  let (destination, end) = parseDestination(at: labelEnd + 2) else { return nil }

            let labelCharacters = Array(characters[labelStart..<labelEnd])
            var labelParser = Parser(
                characters: labelCharacters.isEmpty ? Array(destination) : labelCharacters, allowLinks: false)
            let label = labelParser.parse()
            flushText()
            nodes.append(.link(
                href: LinkPolicy.allowedHref(destination), destination: destination,
                label: label, labelDelimiters: labelParser.delimiters))
            return end
        }

        /// Bounds that keep a run of almost-links (`[a]([a]([a](…`) linear; CommonMark itself caps
        /// parenthesis nesting in destinations at 32.
        private static let maxDestinationLength = 4096
        private static let maxParenthesisDepth = 32
        private static let maxTitleLength = 1024

        /// The destination and optional title after `(`; returns the destination and the index after `)`.
        private func parseDestination(at start: Int) -> (String, Int)? {
            var index = start
            func skipSpaces() {
                while index < characters.count, characters[index] == " " || characters[index] == "\t" { index += 1 }
            }
            skipSpaces()
            var destination = ""
            if index < characters.count, characters[index] == "<" {
                index += 1
                while index < characters.count, characters[index] != ">" {
                    if characters[index] == "\n" || characters[index] == "<" { return nil }
                    if index - start > Self.maxDestinationLength { return nil }
                    destination.append(characters[index])
                    index += 1
                }
                guard index < characters.count else { return nil }
                index += 1
            } else {
                var depth = 0
                while index < characters.count {
                    let character = characters[index]
                    if character.isWhitespace || character.unicodeScalars.contains(where: { $0.value < 0x20 }) {
                        break
                    }
                    if character == "\\", index + 1 < characters.count, isASCIIPunctuation(characters[index + 1]) {
                        destination.append(characters[index + 1])
                        index += 2
                        continue
                    }
                    if character == "(" { depth += 1 }
                    if character == ")" {
                        if depth == 0 { break }
                        depth -= 1
                    }
                    destination.append(character)
                    index += 1
                    if depth > Self.maxParenthesisDepth || index - start > Self.maxDestinationLength { return nil }
                }
                guard depth == 0 else { return nil }
            }
            skipSpaces()
            if index < characters.count, let closer = titleCloser(characters[index]) {
                index += 1
                let titleStart = index
                while index < characters.count, characters[index] != closer {
                    if index - titleStart > Self.maxTitleLength { return nil }
                    index += 1
                }
                guard index < characters.count else { return nil }
                index += 1
                skipSpaces()
            }
            guard index < characters.count, characters[index] == ")" else { return nil }
            return (destination, index + 1)
        }

        private func titleCloser(_ opener: Character) -> Character? {
            switch opener {
            case "\"": "\""
            case "'": "'"
            case "(": ")"
            default: nil
            }
        }

        /// `<https://example.com>`; returns the index after `>`, or nil when it is not an autolink.
        private mutating func parseAutolink(at index: Int) -> Int? {
            var probe = index + 1
            while probe < characters.count, characters[probe] != ">" {
                if characters[probe].isWhitespace || characters[probe] == "<" { return nil }
                probe += 1
            }
            guard probe < characters.count else { return nil }
            let destination = String(characters[(index + 1)..<probe])
            guard let href = LinkPolicy.allowedHref(destination) else { return nil }
            flushText()
            nodes.append(.link(href: href, destination: destination, label: [.text(destination)], labelDelimiters: []))
            return probe + 1
        }

        private mutating func parseDelimiterRun(at index: Int) -> Int {
            let character = characters[index]
            let length = runLength(at: index)
            if character == "~" && length != 2 {
                pendingText += String(repeating: "~", count: length)
                return index + length
            }
            let before: Character = index > 0 ? characters[index - 1] : " "
            let after: Character = index + length < characters.count ? characters[index + length] : " "
            let beforeIsSpace = before.isWhitespace
            let afterIsSpace = after.isWhitespace
            let beforeIsPunctuation = isPunctuation(before)
            let afterIsPunctuation = isPunctuation(after)
            let leftFlanking = !afterIsSpace && (!afterIsPunctuation || beforeIsSpace || beforeIsPunctuation)
            let rightFlanking = !beforeIsSpace && (!beforeIsPunctuation || afterIsSpace || afterIsPunctuation)

            var canOpen: Bool
            var canClose: Bool
            switch character {
            case "_":
                canOpen = leftFlanking && (!rightFlanking || beforeIsPunctuation)
                canClose = rightFlanking && (!leftFlanking || afterIsPunctuation)
            default:
                canOpen = leftFlanking
                canClose = rightFlanking
            }
            if character == "*", length == 1, isASCIIAlphanumeric(before), isASCIIAlphanumeric(after) {
                canOpen = false
                canClose = false
            }
            if !canOpen && !canClose {
                pendingText += String(repeating: character, count: length)
                return index + length
            }
            flushText()
            delimiters.append(Delimiter(
                character: character, count: length, originalCount: length, canOpen: canOpen, canClose: canClose))
            nodes.append(.delimiter(delimiters.count - 1))
            return index + length
        }

        /// CommonMark's "process emphasis": pairs closers with the nearest compatible opener.
        private mutating func resolveEmphasis() {
            var openers: [Int] = []
            for closer in delimiters.indices {
                if delimiters[closer].canClose {
                    while delimiters[closer].count > 0, let position = openerPosition(for: closer, in: openers) {
                        let opener = openers[position]
                        let character = delimiters[closer].character
                        let used = character == "~" || (delimiters[opener].count >= 2 && delimiters[closer].count >= 2)
                            ? 2 : 1
                        let element = character == "~" ? "s" : (used == 2 ? "b" : "i")
                        delimiters[opener].count -= used
                        delimiters[closer].count -= used
                        delimiters[opener].openings.append(element)
                        delimiters[closer].closings.append(element)
                        openers.removeSubrange((position + 1)...)
                        if delimiters[opener].count == 0 { openers.remove(at: position) }
                    }
                }
                if delimiters[closer].count > 0, delimiters[closer].canOpen, delimiters[closer].closings.isEmpty {
                    openers.append(closer)
                }
            }
        }

        private func openerPosition(for closer: Int, in openers: [Int]) -> Int? {
            let closing = delimiters[closer]
            for position in openers.indices.reversed() {
                let opening = delimiters[openers[position]]
                guard opening.character == closing.character, opening.count > 0 else { continue }
                if closing.character == "~" {
                    if opening.count >= 2 && closing.count >= 2 { return position }
                    continue
                }
                let sum = opening.originalCount + closing.originalCount
                if (opening.canClose || closing.canOpen), sum % 3 == 0,
                   !(opening.originalCount % 3 == 0 && closing.originalCount % 3 == 0) {
                    continue
                }
                return position
            }
            return nil
        }
    }

    static func isASCIIPunctuation(_ character: Character) -> Bool {
        guard character.isASCII, let scalar = character.unicodeScalars.first else { return false }
        return (0x21...0x2F).contains(scalar.value) || (0x3A...0x40).contains(scalar.value)
            || (0x5B...0x60).contains(scalar.value) || (0x7B...0x7E).contains(scalar.value)
    }

    static func isPunctuation(_ character: Character) -> Bool {
        character.isPunctuation || character.isSymbol
    }

    static func isASCIIAlphanumeric(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber)
    }
}
