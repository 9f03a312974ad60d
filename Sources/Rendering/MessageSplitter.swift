/// Cuts Telegram HTML (or plain text) into messages Telegram accepts: each chunk is valid on its own and shows
/// at most `limit` UTF-16 code units. Cuts fall preferably at a blank line, then a line break, then a space,
/// and only then anywhere — but never inside a tag, an entity or a grapheme cluster (unless one cluster alone
/// is longer than the limit). Elements open at a cut are closed at the end of the chunk and reopened, with
/// the same attributes, at the start of the next. Whitespace at a cut is dropped.
public enum MessageSplitter {
    /// Splits Telegram HTML. HTML that Telegram would reject is split as plain text and escaped, so the
    /// markup shows literally instead of being refused.
    public static func split(html: String, limit: Int = 4096) -> [String] {
        precondition(limit >= 2, "a message limit must hold at least one surrogate pair")
        guard let tokens = try? TelegramHTMLParser.parse(html) else {
            return split(plain: html, limit: limit).map(TelegramHTML.escape)
        }
        var pieces: [SplitPiece] = []
        for token in tokens {
            switch token {
            case .open(let tag): pieces.append(.open(tag))
            case .close(let name, let raw): pieces.append(.close(name: name, raw: raw))
            case .text(let raw, _): SplitPiece.appendAtoms(ofHTMLText: raw, limit: limit, to: &pieces)
            }
        }
        return GreedySplitter(pieces: pieces, limit: limit).chunks()
    }

    /// Splits plain text (no markup) the same way.
    public static func split(plain: String, limit: Int = 4096) -> [String] {
        precondition(limit >= 2, "a message limit must hold at least one surrogate pair")
        var pieces: [SplitPiece] = []
        SplitPiece.appendAtoms(ofPlainText: plain, limit: limit, to: &pieces)
        return GreedySplitter(pieces: pieces, limit: limit).chunks()
    }
}

/// A tag, or an atom: the smallest piece of text that may not be cut (a grapheme cluster or an entity).
enum SplitPiece {
    case open(TelegramTag)
    case close(name: String, raw: String)
    case atom(raw: String, visible: String, units: Int)

    static func appendAtoms(ofPlainText text: String, limit: Int, to pieces: inout [SplitPiece]) {
        for character in text {
            let visible = String(character)
            let units = visible.utf16.count
            if units <= limit {
                pieces.append(.atom(raw: visible, visible: visible, units: units))
            } else {
                // A cluster longer than a whole message (say, hundreds of combining marks): cut between scalars.
                for scalar in character.unicodeScalars {
                    let part = String(scalar)
                    pieces.append(.atom(raw: part, visible: part, units: part.utf16.count))
                }
            }
        }
    }

    /// `raw` is validated HTML text: every `&` starts a valid entity and there is no `<` or `>`.
    static func appendAtoms(ofHTMLText raw: String, limit: Int, to pieces: inout [SplitPiece]) {
        let scalars = Array(raw.unicodeScalars)
        var literal = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            guard scalars[index] == "&" else {
                literal.append(scalars[index])
                index += 1
                continue
            }
            appendAtoms(ofPlainText: String(literal), limit: limit, to: &pieces)
            literal = String.UnicodeScalarView()
            var end = index
            while end < scalars.count, scalars[end] != ";" { end += 1 }
            var entity = String.UnicodeScalarView()
            entity.append(contentsOf: scalars[index...min(end, scalars.count - 1)])
            let entityRaw = String(entity)
            let visible = (try? TelegramHTMLParser.decodeEntity(Array(entityRaw.utf8), at: 0)).map { String($0.0) }
                ?? entityRaw
            pieces.append(.atom(raw: entityRaw, visible: visible, units: visible.utf16.count))
            index = end + 1
        }
        appendAtoms(ofPlainText: String(literal), limit: limit, to: &pieces)
    }
}

/// Chooses the cuts, left to right, each as late as the preferred kind of break allows.
private struct GreedySplitter {
    /// A place where a chunk may end: the chunk keeps atoms before `end`, the next starts at `nextStart`;
    /// atoms between them are whitespace and dropped. Higher `rank` is a better place to cut.
    private struct Cut {
        let end: Int
        let nextStart: Int
        let rank: Int
    }

    let pieces: [SplitPiece]
    let limit: Int
    private var atomPieceIndex: [Int] = []
    private var prefixUnits: [Int] = [0]
    private var cuts: [Cut] = []

    init(pieces: [SplitPiece], limit: Int) {
        self.pieces = pieces
        self.limit = limit
        var visibles: [String] = []
        for (position, piece) in pieces.enumerated() {
            if case .atom(_, let visible, let units) = piece {
                atomPieceIndex.append(position)
                prefixUnits.append((prefixUnits.last ?? 0) + units)
                visibles.append(visible)
            }
        }
        cuts = Self.findCuts(visibles)
    }

    private static func findCuts(_ visibles: [String]) -> [Cut] {
        var cuts: [Cut] = []
        var index = 0
        while index < visibles.count {
            guard isBreakingSpace(visibles[index]) else {
                index += 1
                continue
            }
            let runStart = index
            var lastNewline: Int?
            var newlines = 0
            while index < visibles.count, isBreakingSpace(visibles[index]) {
                if visibles[index] == "\n" {
                    newlines += 1
                    lastNewline = index
                }
                index += 1
            }
            guard runStart > 0 else { continue }
            let rank = newlines >= 2 ? 3 : (newlines == 1 ? 2 : 1)
            // After a line break, keep the next line's indentation (it matters in code).
            let nextStart = lastNewline.map { $0 + 1 } ?? index
            cuts.append(Cut(end: runStart, nextStart: nextStart, rank: rank))
        }
        return cuts
    }

    private static func isBreakingSpace(_ visible: String) -> Bool {
        visible == " " || visible == "\n" || visible == "\t"
    }

    func chunks() -> [String] {
        let atomCount = atomPieceIndex.count
        var emitter = ChunkEmitter(pieces: pieces)
        var chunks: [String] = []
        func keep(_ chunk: (html: String, visible: String)) {
            if chunk.visible.contains(where: { !$0.isWhitespace }) { chunks.append(chunk.html) }
        }
        var start = 0
        while start < atomCount {
            if prefixUnits[atomCount] - prefixUnits[start] <= limit {
                keep(emitter.emit(through: pieces.count - 1, gapEnd: pieces.count))
                return chunks
            }
            let cut = chooseCut(from: start)
            let gapEnd = cut.nextStart < atomCount ? atomPieceIndex[cut.nextStart] : pieces.count
            keep(emitter.emit(through: atomPieceIndex[cut.end - 1], gapEnd: gapEnd))
            start = cut.nextStart
        }
        if atomCount == 0 || start >= atomCount {
            // Only tags (or dropped whitespace) remain: close what is open; nothing visible to send.
            _ = emitter.emit(through: pieces.count - 1, gapEnd: pieces.count)
        }
        return chunks
    }

    private func chooseCut(from start: Int) -> Cut {
        let maxEnd = largestEnd(from: start)
        let window = windowCuts(from: start, to: maxEnd)
        let half = limit / 2
        let quarter = limit / 4
        func units(_ cut: Cut) -> Int { prefixUnits[cut.end] - prefixUnits[start] }
        for rank in [3, 2, 1] {
            if let cut = window.last(where: { $0.rank == rank && units($0) >= half }) { return cut }
        }
        if let cut = window.last(where: { units($0) >= quarter }) { return cut }
        let end = max(maxEnd, start + 1)
        return Cut(end: end, nextStart: end, rank: 0)
    }

    /// The largest atom index `end` such that atoms `start..<end` fit in the limit.
    private func largestEnd(from start: Int) -> Int {
        var low = start
        var high = prefixUnits.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if prefixUnits[middle] - prefixUnits[start] <= limit { low = middle } else { high = middle - 1 }
        }
        return low
    }

    /// Cuts whose chunk would be non-empty and fit: `start < end <= maxEnd`, in order.
    private func windowCuts(from start: Int, to maxEnd: Int) -> ArraySlice<Cut> {
        var low = 0
        var high = cuts.count
        while low < high {
            let middle = (low + high) / 2
            if cuts[middle].end <= start { low = middle + 1 } else { high = middle }
        }
        var upper = low
        while upper < cuts.count, cuts[upper].end <= maxEnd { upper += 1 }
        return cuts[low..<upper]
    }
}

/// Writes chunks from the piece stream, keeping track of the elements open across cuts.
private struct ChunkEmitter {
    let pieces: [SplitPiece]
    private var position = 0
    private var open: [TelegramTag] = []

    init(pieces: [SplitPiece]) {
        self.pieces = pieces
    }

    /// Emits pieces up to and including `last`, then drops the gap up to `gapEnd`: whitespace is dropped,
    /// end tags in it close this chunk, start tags in it are carried to the next chunk.
    mutating func emit(through last: Int, gapEnd: Int) -> (html: String, visible: String) {
        var html = open.map(\.openingMarkup).joined()
        var visible = ""
        while position <= last {
            switch pieces[position] {
            case .open(let tag):
                html += tag.openingMarkup
                open.append(tag)
            case .close(_, let raw):
                html += raw
                open.removeLast()
            case .atom(let raw, let text, _):
                html += raw
                visible += text
            }
            position += 1
        }
        var carried: [TelegramTag] = []
        while position < gapEnd {
            switch pieces[position] {
            case .open(let tag):
                carried.append(tag)
            case .close(_, let raw):
                if carried.isEmpty {
                    html += raw
                    open.removeLast()
                } else {
                    carried.removeLast()
                }
            case .atom:
                break
            }
            position += 1
        }
        html += open.reversed().map(\.closingMarkup).joined()
        open += carried
        return (html, visible)
    }
}
