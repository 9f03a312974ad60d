/// Finds the top-level parts of a JSON object or array without building the value: one loop over the bytes with a
/// depth counter, so any nesting depth costs nothing (a parser recursing, or limiting depth, fails the whole text).
/// It only delimits: each part is then parsed on its own, so one bad part cannot spoil its neighbours.
enum JSONSlicer {
    /// The members of the object `bytes` holds, as (raw key text between the quotes, value range); nil when `bytes`
    /// is not one object as far as the delimiting goes.
    static func members(ofObject bytes: [UInt8]) -> [(key: ArraySlice<UInt8>, value: Range<Int>)]? {
        var index = skipSpace(bytes, 0)
        guard index < bytes.count, bytes[index] == UInt8(ascii: "{") else { return nil }
        index = skipSpace(bytes, index + 1)
        var members: [(key: ArraySlice<UInt8>, value: Range<Int>)] = []
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            return skipSpace(bytes, index + 1) == bytes.count ? members : nil
        }
        while true {
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\""), let keyEnd = endOfString(bytes, index)
            else { return nil }
            let key = bytes[(index + 1)..<(keyEnd - 1)]
            index = skipSpace(bytes, keyEnd)
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return nil }
            let start = skipSpace(bytes, index + 1)
            guard let end = endOfValue(bytes, start) else { return nil }
            members.append((key, start..<end))
            index = skipSpace(bytes, end)
            guard index < bytes.count else { return nil }
            // Only whitespace may follow the object: trailing bytes mean it was not one JSON text.
            if bytes[index] == UInt8(ascii: "}") { return skipSpace(bytes, index + 1) == bytes.count ? members : nil }
            guard bytes[index] == UInt8(ascii: ",") else { return nil }
            index = skipSpace(bytes, index + 1)
        }
    }

    /// The ranges of the elements of the array `bytes[range]` holds; nil when it is not an array.
    static func elements(ofArray bytes: [UInt8], in range: Range<Int>) -> [Range<Int>]? {
        var index = skipSpace(bytes, range.lowerBound)
        guard index < range.upperBound, bytes[index] == UInt8(ascii: "[") else { return nil }
        index = skipSpace(bytes, index + 1)
        var elements: [Range<Int>] = []
        if index < range.upperBound, bytes[index] == UInt8(ascii: "]") { return index + 1 == range.upperBound ? elements : nil }
        while true {
            guard let end = endOfValue(bytes, index), end <= range.upperBound else { return nil }
            elements.append(index..<end)
            index = skipSpace(bytes, end)
            guard index < range.upperBound else { return nil }
            // The array must end where its enclosing value was found to end (no stray bytes after it).
            if bytes[index] == UInt8(ascii: "]") { return index + 1 == range.upperBound ? elements : nil }
            guard bytes[index] == UInt8(ascii: ",") else { return nil }
            index = skipSpace(bytes, index + 1)
        }
    }

    private static func skipSpace(_ bytes: [UInt8], _ start: Int) -> Int {
        var index = start
        while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        return index
    }

    /// The index just past the string starting at `start` (a quote), or nil if it never ends.
    private static func endOfString(_ bytes: [UInt8], _ start: Int) -> Int? {
        var index = start + 1
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\\"): index += 2
            case UInt8(ascii: "\""): return index + 1
            default: index += 1
            }
        }
        return nil
    }

    /// The index just past the value starting at `start`: a string, a balanced object or array, or a bare literal
    /// (number, true, false, null) running to the next delimiter.
    private static func endOfValue(_ bytes: [UInt8], _ start: Int) -> Int? {
        guard start < bytes.count else { return nil }
        switch bytes[start] {
        case UInt8(ascii: "\""):
            return endOfString(bytes, start)
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0
            var index = start
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: "\""):
                    guard let end = endOfString(bytes, index) else { return nil }
                    index = end
                    continue
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 { return index + 1 }
                default: break
                }
                index += 1
            }
            return nil
        default:
            var index = start
            while index < bytes.count, !Self.delimiters.contains(bytes[index]) { index += 1 }
            return index > start ? index : nil
        }
    }

    /// Where a bare literal ends: any structural character or whitespace (a literal never contains one, and the
    /// depth count of an enclosing container must see every bracket).
    private static let delimiters: Set<UInt8> = [
        UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), UInt8(ascii: "{"), UInt8(ascii: "["),
        UInt8(ascii: "\""), UInt8(ascii: ":"), 0x20, 0x09, 0x0A, 0x0D,
    ]
}
