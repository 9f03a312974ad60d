/// A strict parser of Telegram's HTML subset: it accepts only what Telegram accepts without complaint and
/// reports the first problem with its byte offset. It works on UTF-8 bytes because every piece of markup
/// (`<`, `>`, `&`, `;`, quotes, names) is ASCII, so text between markup can be decoded in whole runs.
enum TelegramHTMLParser {
    private static let lessThan = UInt8(ascii: "<")
    private static let greaterThan = UInt8(ascii: ">")
    private static let ampersand = UInt8(ascii: "&")
    private static let semicolon = UInt8(ascii: ";")
    private static let slash = UInt8(ascii: "/")
    private static let equals = UInt8(ascii: "=")
    private static let doubleQuote = UInt8(ascii: "\"")
    private static let singleQuote = UInt8(ascii: "'")

    static func parse(_ html: String) throws(RenderingError) -> [HTMLToken] {
        let bytes = Array(html.utf8)
        var tokens: [HTMLToken] = []
        var open: [(tag: TelegramTag, offset: Int)] = []
        var textStart = 0
        var visible = ""
        var index = 0

        func flushText(upTo end: Int) {
            if end > textStart {
                tokens.append(.text(raw: String(decoding: bytes[textStart..<end], as: UTF8.self), visible: visible))
            }
            visible = ""
        }

        while index < bytes.count {
            switch bytes[index] {
            case lessThan:
                flushText(upTo: index)
                let end = try parseTag(bytes, at: index, open: &open, tokens: &tokens)
                index = end
                textStart = end
            case greaterThan:
                throw RenderingError(.malformedTag, "a bare '>' must be written as &gt;", byteOffset: index)
            case ampersand:
                let (decoded, end) = try decodeEntity(bytes, at: index)
                visible.unicodeScalars.append(decoded)
                index = end
            default:
                var end = index + 1
                while end < bytes.count, !isMarkupByte(bytes[end]) { end += 1 }
                visible += String(decoding: bytes[index..<end], as: UTF8.self)
                index = end
            }
        }
        flushText(upTo: bytes.count)
        if let innermost = open.last {
            throw RenderingError(.unclosedTag, "<\(innermost.tag.name)> is never closed", byteOffset: innermost.offset)
        }
        return tokens
    }

    private static func isMarkupByte(_ byte: UInt8) -> Bool {
        byte == lessThan || byte == greaterThan || byte == ampersand
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39)
            || byte == UInt8(ascii: "-")
    }

    /// Decodes the entity starting at `start` (which holds `&`); returns the scalar and the index after `;`.
    static func decodeEntity(_ bytes: [UInt8], at start: Int) throws(RenderingError) -> (Unicode.Scalar, Int) {
        let maxLength = 12
        var end = start + 1
        while end < bytes.count, end - start <= maxLength, bytes[end] != semicolon,
              !isMarkupByte(bytes[end]), !isSpace(bytes[end]) {
            end += 1
        }
        guard end < bytes.count, bytes[end] == semicolon else {
            throw RenderingError(.invalidEntity, "a bare '&' must be written as &amp;", byteOffset: start)
        }
        let name = String(decoding: bytes[(start + 1)..<end], as: UTF8.self)
        let scalar: Unicode.Scalar?
        switch name {
        case "lt": scalar = "<"
        case "gt": scalar = ">"
        case "amp": scalar = "&"
        case "quot": scalar = "\""
        default: scalar = numericEntity(name)
        }
        guard let scalar else {
            throw RenderingError(.invalidEntity, "unknown entity &\(name);", byteOffset: start)
        }
        return (scalar, end + 1)
    }

    private static func numericEntity(_ name: String) -> Unicode.Scalar? {
        guard name.hasPrefix("#") else { return nil }
        var digits = name.dropFirst()
        var radix = 10
        if digits.first == "x" || digits.first == "X" {
            digits = digits.dropFirst()
            radix = 16
        }
        guard !digits.isEmpty, digits.count <= 7, digits.allSatisfy({ $0.isHexDigit }),
              let value = UInt32(digits, radix: radix), value != 0 else { return nil }
        return Unicode.Scalar(value)
    }

    /// Parses the tag starting at `start` (which holds `<`), checks it against the open elements and returns
    /// the index just after its `>`.
    private static func parseTag(
        _ bytes: [UInt8], at start: Int, open: inout [(tag: TelegramTag, offset: Int)], tokens: inout [HTMLToken]
    ) throws(RenderingError) -> Int {
        var index = start + 1
        let isClosing = index < bytes.count && bytes[index] == slash
        if isClosing { index += 1 }
        let nameStart = index
        while index < bytes.count, isNameByte(bytes[index]) { index += 1 }
        guard index > nameStart else {
            throw RenderingError(.malformedTag, "a '<' that starts no tag must be written as &lt;", byteOffset: start)
        }
        let name = String(decoding: bytes[nameStart..<index], as: UTF8.self).lowercased()
        guard let kind = TelegramTag.kind(of: name) else {
            throw RenderingError(.unsupportedTag, "unsupported tag <\(name)>", byteOffset: start)
        }

        if isClosing {
            while index < bytes.count, isSpace(bytes[index]) { index += 1 }
            guard index < bytes.count, bytes[index] == greaterThan else {
                throw RenderingError(.malformedTag, "end tag </\(name)> is not terminated by '>'", byteOffset: start)
            }
            guard let innermost = open.last else {
                throw RenderingError(.misnestedTag, "end tag </\(name)> closes nothing", byteOffset: start)
            }
            guard innermost.tag.name == name else {
                throw RenderingError(
                    .misnestedTag, "end tag </\(name)> while <\(innermost.tag.name)> is open", byteOffset: start)
            }
            open.removeLast()
            let raw = String(decoding: bytes[start...index], as: UTF8.self)
            tokens.append(.close(name: name, raw: raw))
            return index + 1
        }

        var attributes: [String: String] = [:]
        while true {
            let beforeSpace = index
            while index < bytes.count, isSpace(bytes[index]) { index += 1 }
            guard index < bytes.count else {
                throw RenderingError(.malformedTag, "tag <\(name)> is not terminated by '>'", byteOffset: start)
            }
            if bytes[index] == greaterThan { break }
            guard index > beforeSpace, isNameByte(bytes[index]) else {
                throw RenderingError(.malformedTag, "malformed attribute in <\(name)>", byteOffset: index)
            }
            let attributeStart = index
            while index < bytes.count, isNameByte(bytes[index]) { index += 1 }
            let attribute = String(decoding: bytes[attributeStart..<index], as: UTF8.self).lowercased()
            var value = ""
            var probe = index
            while probe < bytes.count, isSpace(bytes[probe]) { probe += 1 }
            if probe < bytes.count, bytes[probe] == equals {
                index = probe + 1
                while index < bytes.count, isSpace(bytes[index]) { index += 1 }
                (value, index) = try parseAttributeValue(bytes, at: index, tagStart: start, tagName: name)
            }
            guard attributes.updateValue(value, forKey: attribute) == nil else {
                throw RenderingError(
                    .malformedTag, "attribute \(attribute) repeated in <\(name)>", byteOffset: attributeStart)
            }
        }

        let ancestors = open.map(\.tag)
        try checkAttributes(attributes, of: name, inside: ancestors, at: start)
        let tag = TelegramTag(
            name: name, kind: kind, openingMarkup: String(decoding: bytes[start...index], as: UTF8.self))
        if let problem = tag.nestingProblem(inside: ancestors) {
            throw RenderingError(.forbiddenNesting, problem, byteOffset: start)
        }
        open.append((tag, start))
        tokens.append(.open(tag))
        return index + 1
    }

    private static func parseAttributeValue(
        _ bytes: [UInt8], at start: Int, tagStart: Int, tagName: String
    ) throws(RenderingError) -> (String, Int) {
        guard start < bytes.count else {
            throw RenderingError(.malformedTag, "tag <\(tagName)> is not terminated by '>'", byteOffset: tagStart)
        }
        let quote: UInt8? = (bytes[start] == doubleQuote || bytes[start] == singleQuote) ? bytes[start] : nil
        var index = quote == nil ? start : start + 1
        var value = ""
        while true {
            guard index < bytes.count else {
                throw RenderingError(.malformedTag, "tag <\(tagName)> is not terminated by '>'", byteOffset: tagStart)
            }
            let byte = bytes[index]
            if let quote, byte == quote { return (value, index + 1) }
            if quote == nil, isSpace(byte) || byte == greaterThan {
                guard index > start else {
                    throw RenderingError(.malformedTag, "empty attribute value in <\(tagName)>", byteOffset: index)
                }
                return (value, index)
            }
            if byte == lessThan || byte == greaterThan {
                throw RenderingError(
                    .malformedTag, "'<' and '>' in attribute values must be escaped", byteOffset: index)
            }
            if byte == ampersand {
                let (scalar, end) = try decodeEntity(bytes, at: index)
                value.unicodeScalars.append(scalar)
                index = end
            } else {
                var end = index + 1
                while end < bytes.count, !isMarkupByte(bytes[end]), bytes[end] != quote ?? 0x20,
                      quote != nil || !isSpace(bytes[end]) {
                    end += 1
                }
                value += String(decoding: bytes[index..<end], as: UTF8.self)
                index = end
            }
        }
    }

    private static func checkAttributes(
        _ attributes: [String: String], of name: String, inside ancestors: [TelegramTag], at offset: Int
    ) throws(RenderingError) {
        let allowed: Set<String>
        switch name {
        case "a": allowed = ["href"]
        case "code": allowed = ["class"]
        case "blockquote": allowed = ["expandable"]
        default: allowed = []
        }
        if let unknown = attributes.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw RenderingError(.unsupportedTag, "attribute \(unknown) is not supported on <\(name)>", byteOffset: offset)
        }
        if name == "a", (attributes["href"] ?? "").allSatisfy(\.isWhitespace) {
            throw RenderingError(.unsupportedTag, "<a> needs a non-empty href", byteOffset: offset)
        }
        if name == "code", let language = attributes["class"] {
            guard ancestors.count == 1, ancestors[0].kind == .pre else {
                throw RenderingError(.unsupportedTag, "class on <code> is only allowed directly in <pre>", byteOffset: offset)
            }
            guard language.hasPrefix("language-"), language.count > "language-".count else {
                throw RenderingError(.unsupportedTag, "class on <code> must be language-NAME", byteOffset: offset)
            }
        }
    }
}
