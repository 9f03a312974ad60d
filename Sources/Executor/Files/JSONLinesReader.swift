import Foundation

/// Reads a file line by line in chunks, so a transcript of hundreds of megabytes (the CLI stores whole API
/// requests in it) never sits in memory at once. Lines longer than `maximumLineLength` are skipped and counted.
struct JSONLinesReader {
    let maximumLineLength: Int
    private(set) var skippedLines = 0

    init(maximumLineLength: Int) {
        self.maximumLineLength = maximumLineLength
    }

    mutating func forEachLine(in handle: FileHandle, _ body: (Data) -> Void) throws {
        var pending = Data()
        var discarding = false
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            var rest = chunk[...]
            while let newline = rest.firstIndex(of: UInt8(ascii: "\n")) {
                let piece = rest[rest.startIndex..<newline]
                rest = rest[rest.index(after: newline)...]
                if discarding || pending.count + piece.count > maximumLineLength {
                    skippedLines += 1
                } else {
                    pending.append(piece)
                    body(pending)
                }
                pending.removeAll(keepingCapacity: true)
                discarding = false
            }
            if discarding { continue }
            if pending.count + rest.count > maximumLineLength {
                discarding = true
                pending.removeAll()
            } else {
                pending.append(contentsOf: rest)
            }
        }
        if discarding {
            skippedLines += 1
        } else if !pending.isEmpty {
            body(pending)
        }
    }
}
