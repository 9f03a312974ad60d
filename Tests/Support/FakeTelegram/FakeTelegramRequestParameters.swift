import Foundation

/// The parameters of one Bot API call, merged from the query string and the body, whatever its encoding.
struct FakeTelegramRequestParameters {
    var values: [String: FakeTelegramValue] = [:]
    /// Names of parameters that arrived as text (query, form, multipart) and need coercion to their spec type.
    var textual: Set<String> = []
    /// "json", "form", "query", "multipart" or "none".
    var encoding = "none"

    struct Malformed: Error {
        var description: String
    }

    init(request: LoopbackHTTPRequest) throws(Malformed) {
        if let query = request.query, !query.isEmpty {
            encoding = "query"
            for (name, value) in Self.formPairs(query) {
                values[name] = .string(value)
                textual.insert(name)
            }
        }
        guard !request.body.isEmpty else { return }
        let contentType = request.headers["content-type"] ?? ""
        let mediaType = contentType.split(separator: ";").first.map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        } ?? ""
        switch mediaType {
        case "application/json":
            encoding = "json"
            guard case .object(let object)? = FakeTelegramValue.parse(json: request.body) else {
                throw Malformed(description: "Bad Request: can't parse JSON object")
            }
            for (name, value) in object {
                values[name] = value
                textual.remove(name)
            }
        case "application/x-www-form-urlencoded":
            encoding = "form"
            for (name, value) in Self.formPairs(String(decoding: request.body, as: UTF8.self)) {
                values[name] = .string(value)
                textual.insert(name)
            }
        case "multipart/form-data":
            encoding = "multipart"
            guard let boundary = Self.parameter("boundary", of: contentType) else {
                throw Malformed(description: "Bad Request: multipart/form-data without a boundary")
            }
            for part in try Self.multipartParts(request.body, boundary: boundary) {
                values[part.name] = part.value
                textual.insert(part.name)
            }
        default:
            throw Malformed(description: "Bad Request: unsupported Content-Type \"\(mediaType)\"")
        }
    }

    static func formPairs(_ text: String) -> [(String, String)] {
        text.split(separator: "&").map { pair in
            let halves = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ part: Substring) -> String {
                let spaced = part.replacingOccurrences(of: "+", with: " ")
                return spaced.removingPercentEncoding ?? spaced
            }
            return (decode(halves[0]), halves.count > 1 ? decode(halves[1]) : "")
        }
    }

    /// `boundary=xyz` or `boundary="xyz"` from a header value.
    static func parameter(_ name: String, of headerValue: String) -> String? {
        for item in headerValue.split(separator: ";").dropFirst() {
            let halves = item.split(separator: "=", maxSplits: 1)
            guard halves.count == 2, halves[0].trimmingCharacters(in: .whitespaces).lowercased() == name else { continue }
            var value = halves[1].trimmingCharacters(in: .whitespaces)
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            return value
        }
        return nil
    }

    private static func multipartParts(
        _ body: Data, boundary: String
    ) throws(Malformed) -> [(name: String, value: FakeTelegramValue)] {
        let bytes = [UInt8](body)
        let delimiter = Array("--\(boundary)".utf8)
        var starts: [Int] = []
        var index = 0
        while let found = find(delimiter, in: bytes, from: index) {
            starts.append(found)
            index = found + delimiter.count
        }
        guard starts.count >= 2 else { throw Malformed(description: "Bad Request: malformed multipart body") }
        var parts: [(name: String, value: FakeTelegramValue)] = []
        for (start, end) in zip(starts, starts.dropFirst()) {
            // Part = CRLF headers CRLF CRLF content CRLF (the CRLF before the next delimiter belongs to it).
            var partStart = start + delimiter.count
            if bytes[partStart...].starts(with: [13, 10]) { partStart += 2 }
            var partEnd = end
            if partEnd - 2 >= partStart, bytes[(partEnd - 2)..<partEnd].elementsEqual([13, 10]) { partEnd -= 2 }
            guard let headerEnd = find([13, 10, 13, 10], in: Array(bytes[partStart..<partEnd]), from: 0) else {
                throw Malformed(description: "Bad Request: malformed multipart part")
            }
            let headerText = String(decoding: bytes[partStart..<(partStart + headerEnd)], as: UTF8.self)
            let content = Data(bytes[(partStart + headerEnd + 4)..<partEnd])
            var disposition = ""
            var partType: String?
            for line in headerText.components(separatedBy: "\r\n") {
                guard let colon = line.firstIndex(of: ":") else { continue }
                let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                switch line[..<colon].lowercased() {
                case "content-disposition": disposition = value
                case "content-type": partType = value
                default: break
                }
            }
            guard let name = parameter("name", of: disposition) else {
                throw Malformed(description: "Bad Request: multipart part without a name")
            }
            if let fileName = parameter("filename", of: disposition) {
                parts.append((name, .file(FakeTelegramUploadedFile(fileName: fileName, contentType: partType, bytes: content))))
            } else {
                parts.append((name, .string(String(decoding: content, as: UTF8.self))))
            }
        }
        return parts
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count, start <= haystack.count - needle.count else { return nil }
        var index = start
        while index <= haystack.count - needle.count {
            if haystack[index] == needle[0], haystack[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}
