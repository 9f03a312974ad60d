import Foundation

/// The head of one request a client sends the proxy: request line and header fields, read strictly (CRLF line
/// ends, no folded lines, bounded size and count). Pure: bytes in, a value or a refusal out.
public struct ProxyRequestHead: Equatable, Sendable {
    public var method: String
    public var target: String
    public var version: String
    /// Header fields in their order, names as sent.
    public var fields: [(name: String, value: String)]

    public static func == (lhs: ProxyRequestHead, rhs: ProxyRequestHead) -> Bool {
        lhs.method == rhs.method && lhs.target == rhs.target && lhs.version == rhs.version
            && lhs.fields.map(\.name) == rhs.fields.map(\.name) && lhs.fields.map(\.value) == rhs.fields.map(\.value)
    }

    public struct Limits: Sendable {
        /// The whole head, request line to the blank line.
        public var maxBytes: Int = 16 * 1024
        public var maxFields: Int = 100

        public init() {}
    }

    public enum Problem: Error, Equatable, Sendable {
        /// Over `Limits`: answered 431.
        case tooLarge
        /// Not HTTP/1.x as a proxy client speaks it: answered 400.
        case malformed(String)
    }

    /// Where the head ends in `bytes` (the index just past the blank line), nil while incomplete; throws once the
    /// head is longer than allowed. `from` skips bytes already searched (the terminator may straddle chunks).
    public static func end(in bytes: [UInt8], from: Int = 0, limits: Limits = .init()) throws(Problem) -> Int? {
        if bytes.count >= 4 {
            for index in max(0, from - 3)...(bytes.count - 4)
            where bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10 {
                guard index + 4 <= limits.maxBytes else { throw .tooLarge }
                return index + 4
            }
        }
        if bytes.count >= limits.maxBytes { throw .tooLarge }
        return nil
    }

    /// Reads a complete head (as `end(in:)` delimits it, blank line included).
    public static func parse(_ head: ArraySlice<UInt8>, limits: Limits = .init()) throws(Problem) -> ProxyRequestHead {
        guard head.count <= limits.maxBytes else { throw .tooLarge }
        guard head.allSatisfy({ $0 != 0 && ($0 >= 0x20 || $0 == 9 || $0 == 10 || $0 == 13) && $0 < 0x7F }) else {
            throw .malformed("the request head holds control or non-ASCII bytes")
        }
        // Bytes, not Characters: Swift reads "\r\n" as one Character.
        guard head.count >= 4, Array(head.suffix(4)) == [13, 10, 13, 10] else {
            throw .malformed("the request head is not terminated")
        }
        var lines = String(decoding: head.dropLast(4), as: UTF8.self).components(separatedBy: "\r\n")
        guard lines.allSatisfy({ !$0.contains("\n") && !$0.contains("\r") }) else { throw .malformed("bare CR or LF") }
        let requestLine = lines.removeFirst().split(separator: " ", omittingEmptySubsequences: false)
        guard requestLine.count == 3, requestLine.allSatisfy({ !$0.isEmpty }) else { throw .malformed("bad request line") }
        let version = String(requestLine[2])
        guard version == "HTTP/1.1" || version == "HTTP/1.0" else { throw .malformed("unsupported HTTP version") }
        guard lines.count <= limits.maxFields else { throw .tooLarge }
        var fields: [(name: String, value: String)] = []
        for line in lines {
            guard let colon = line.firstIndex(of: ":"), colon != line.startIndex else { throw .malformed("bad header line") }
            let name = line[..<colon]
            guard !name.contains(" "), !name.contains("\t"), !line.hasPrefix(" "), !line.hasPrefix("\t") else {
                throw .malformed("bad header line")
            }
            let value = line[line.index(after: colon)...].trimmingCharacters(in: CharacterSet(charactersIn: " \t"))
            fields.append((String(name), value))
        }
        return ProxyRequestHead(method: String(requestLine[0]), target: String(requestLine[1]), version: version, fields: fields)
    }

    /// The first value of a field, by case-insensitive name.
    public func value(of name: String) -> String? {
        fields.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}
