/// Whether the head of a file is text: strict UTF-8 (no overlong forms, no surrogates, nothing above U+10FFFF)
/// and no NUL byte. The head may end in the middle of a character when the file goes on beyond it.
package enum TextContent {
    package enum Verdict: Equatable {
        case text
        case containsNUL
        case invalidUTF8
    }

    package static func check(_ bytes: [UInt8], isCompleteFile: Bool) -> Verdict {
        if bytes.contains(0) { return .containsNUL }
        var index = 0
        while index < bytes.count {
            let lead = bytes[index]
            if lead < 0x80 {
                index += 1
                continue
            }
            let length: Int
            var range: ClosedRange<UInt8> = 0x80...0xBF  // allowed second byte
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; range = 0xA0...0xBF  // no overlong 3-byte forms
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; range = 0x80...0x9F  // no UTF-16 surrogates
            case 0xF0: length = 4; range = 0x90...0xBF  // no overlong 4-byte forms
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; range = 0x80...0x8F  // nothing above U+10FFFF
            default: return .invalidUTF8  // continuation byte as lead, C0/C1 overlongs, F5...FF
            }
            for offset in 1..<length {
                let position = index + offset
                guard position < bytes.count else {
                    // Cut off by the end of the head: fine if more of the file follows.
                    return isCompleteFile ? .invalidUTF8 : .text
                }
                let allowed = offset == 1 ? range : 0x80...0xBF
                guard allowed.contains(bytes[position]) else { return .invalidUTF8 }
            }
            index += length
        }
        return .text
    }
}
