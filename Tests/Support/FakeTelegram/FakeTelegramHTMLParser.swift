/// Parses text sent with `parse_mode: HTML` the way Telegram does, to find what the user would read.
/// Stricter than Telegram in one way, on purpose: a `&` that does not start a supported entity is an error
/// (Telegram shows it literally), because it means the bot forgot to escape its text.
enum FakeTelegramHTMLParser {
    struct Failure: Error, Equatable {
        /// Goes after "Bad Request: can't parse entities: ".
        var reason: String
    }

    private static let simpleTags: Set<String> = [
        "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "tg-spoiler", "code", "pre", "blockquote",
    ]

    /// Returns the plain text (markup removed, entities decoded).
    static func plainText(of html: String) -> Result<String, Failure> {
        let bytes = Array(html.utf8)
        var output: [UInt8] = []
        var openTags: [String] = []
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "&") {
                switch decodeEntity(bytes, at: index) {
                case .success(let (scalar, next)):
                    output.append(contentsOf: Array(String(Character(scalar)).utf8))
                    index = next
                case .failure(let failure):
                    return .failure(failure)
                }
            } else if byte == UInt8(ascii: "<") {
                switch parseTag(bytes, at: index, openTags: &openTags) {
                case .success(let next): index = next
                case .failure(let failure): return .failure(failure)
                }
            } else {
                output.append(byte)
                index += 1
            }
        }
        if let unclosed = openTags.last {
            return .failure(Failure(reason: "Can't find end tag corresponding to start tag \"\(unclosed)\""))
        }
        return .success(String(decoding: output, as: UTF8.self))
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "-")
            || byte == UInt8(ascii: "_")
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\t")
            || byte == UInt8(ascii: "\r")
    }

    /// `&lt;`, `&gt;`, `&amp;`, `&quot;`, `&#NNN;` and `&#xHH;`; anything else is rejected.
    private static func decodeEntity(_ bytes: [UInt8], at start: Int) -> Result<(Unicode.Scalar, Int), Failure> {
        guard let semicolon = bytes[start...].prefix(32).firstIndex(of: UInt8(ascii: ";")) else {
            return .failure(Failure(reason: "Unsupported HTML entity at byte offset \(start)"))
        }
        let name = String(decoding: bytes[(start + 1)..<semicolon], as: UTF8.self)
        let named: [String: Unicode.Scalar] = ["lt": "<", "gt": ">", "amp": "&", "quot": "\""]
        if let scalar = named[name] { return .success((scalar, semicolon + 1)) }
        if name.hasPrefix("#") {
            let digits = name.dropFirst()
            let code: UInt32?
            if digits.first == "x" || digits.first == "X" {
                code = UInt32(digits.dropFirst(), radix: 16)
            } else {
                code = UInt32(digits, radix: 10)
            }
            if let code, code != 0, let scalar = Unicode.Scalar(code) {
                return .success((scalar, semicolon + 1))
            }
        }
        return .failure(Failure(reason: "Unsupported HTML entity \"&\(name);\" at byte offset \(start)"))
    }

    private static func parseTag(_ bytes: [UInt8], at start: Int, openTags: inout [String]) -> Result<Int, Failure> {
        var index = start + 1
        let isEnd = index < bytes.count && bytes[index] == UInt8(ascii: "/")
        if isEnd { index += 1 }
        let nameStart = index
        while index < bytes.count, isNameByte(bytes[index]) { index += 1 }
        let name = String(decoding: bytes[nameStart..<index], as: UTF8.self).lowercased()
        if isEnd {
            while index < bytes.count, isSpace(bytes[index]) { index += 1 }
            guard index < bytes.count, bytes[index] == UInt8(ascii: ">") else {
                return .failure(Failure(reason: "Unclosed end tag at byte offset \(start)"))
            }
            guard let expected = openTags.last else {
                return .failure(Failure(reason: "Unexpected end tag at byte offset \(start)"))
            }
            guard expected == name else {
                return .failure(Failure(
                    reason: "Unmatched end tag at byte offset \(start), expected \"</\(expected)>\", found \"</\(name)>\""))
            }
            openTags.removeLast()
            return .success(index + 1)
        }
        if name.isEmpty {
            return .failure(Failure(reason: "Empty tag name at byte offset \(start)"))
        }
        var attributes: [String: String] = [:]
        while true {
            while index < bytes.count, isSpace(bytes[index]) { index += 1 }
            guard index < bytes.count else {
                return .failure(Failure(reason: "Unclosed start tag at byte offset \(start)"))
            }
            if bytes[index] == UInt8(ascii: ">") { index += 1; break }
            let attributeStart = index
            while index < bytes.count, isNameByte(bytes[index]) { index += 1 }
            guard index > attributeStart else {
                return .failure(Failure(reason: "Expected equal sign in declaration of an attribute of the tag \"\(name)\""))
            }
            let attribute = String(decoding: bytes[attributeStart..<index], as: UTF8.self).lowercased()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "=") else {
                attributes[attribute] = ""
                continue
            }
            index += 1
            guard index < bytes.count else {
                return .failure(Failure(reason: "Unclosed start tag at byte offset \(start)"))
            }
            var value: [UInt8] = []
            let quote = bytes[index]
            if quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") {
                index += 1
                while index < bytes.count, bytes[index] != quote {
                    if bytes[index] == UInt8(ascii: "&") {
                        switch decodeEntity(bytes, at: index) {
                        case .success(let (scalar, next)):
                            value.append(contentsOf: Array(String(Character(scalar)).utf8)); index = next
                        case .failure(let failure): return .failure(failure)
                        }
                    } else {
                        value.append(bytes[index]); index += 1
                    }
                }
                guard index < bytes.count else {
                    return .failure(Failure(reason: "Unclosed start tag at byte offset \(start)"))
                }
                index += 1
            } else {
                while index < bytes.count, isNameByte(bytes[index]) || bytes[index] == UInt8(ascii: ".") {
                    value.append(bytes[index]); index += 1
                }
            }
            attributes[attribute] = String(decoding: value, as: UTF8.self)
        }
        switch name {
        case _ where simpleTags.contains(name):
            if name == "code", openTags.last == "pre", let language = attributes["class"],
               !language.hasPrefix("language-") {
                return .failure(Failure(reason: "Unsupported class \"\(language)\" of tag \"code\""))
            }
        case "span":
            guard attributes["class"] == "tg-spoiler" else {
                return .failure(Failure(reason: "Tag \"span\" must have class \"tg-spoiler\" at byte offset \(start)"))
            }
        case "a":
            guard let href = attributes["href"], !href.isEmpty else {
                return .failure(Failure(reason: "Tag \"a\" must have a non-empty href attribute at byte offset \(start)"))
            }
        case "tg-emoji":
            guard let emojiId = attributes["emoji-id"], !emojiId.isEmpty else {
                return .failure(Failure(reason: "Tag \"tg-emoji\" must have attribute \"emoji-id\" at byte offset \(start)"))
            }
        case "tg-time":
            guard attributes["unix"].flatMap({ Int64($0) }) != nil else {
                return .failure(Failure(reason: "Tag \"tg-time\" must have attribute \"unix\" at byte offset \(start)"))
            }
        default:
            return .failure(Failure(reason: "Unsupported start tag \"\(name)\" at byte offset \(start)"))
        }
        openTags.append(name)
        return .success(index)
    }
}
