/// Splits a byte stream into lines. A line longer than `maxLineBytes` is dropped whole (and counted) instead of
/// growing memory without bound; the CLI's lines can be several MB (big tool results), so the limit is generous.
struct ClaudeLineSplitter {
    let maxLineBytes: Int
    private var pending: [UInt8] = []
    private var discarding = false
    private(set) var droppedLines = 0

    init(maxLineBytes: Int) {
        self.maxLineBytes = maxLineBytes
    }

    /// The complete lines in `bytes` (without their `\n`), keeping the unfinished tail for the next call.
    mutating func append(_ bytes: UnsafeRawBufferPointer) -> [[UInt8]] {
        var lines: [[UInt8]] = []
        var start = bytes.startIndex
        while start < bytes.endIndex {
            let newline = bytes[start...].firstIndex(of: UInt8(ascii: "\n"))
            let end = newline ?? bytes.endIndex
            if !discarding {
                pending.append(contentsOf: bytes[start..<end])
                if pending.count > maxLineBytes {
                    pending.removeAll(keepingCapacity: false)
                    discarding = true
                    droppedLines += 1
                }
            }
            guard let newline else { break }
            if !discarding, !pending.isEmpty {
                lines.append(pending)
            }
            pending.removeAll(keepingCapacity: true)
            discarding = false
            start = newline + 1
        }
        return lines
    }

    /// What is left after end of stream, if it is a line worth parsing.
    mutating func finish() -> [UInt8]? {
        defer { pending.removeAll() }
        return discarding || pending.isEmpty ? nil : pending
    }
}
