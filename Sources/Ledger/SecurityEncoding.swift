/// Byte encodings used by the security building blocks: hex digits and unpadded base64url (hex itself: `Hex`).
/// Written out here (rather than through Foundation) so parsing is strict and allocation-bounded.
package enum SecurityEncoding {
    private static let base64URLAlphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    package static func isLowercaseHexDigit(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x66)
    }

    package static func isBase64URLCharacter(_ byte: UInt8) -> Bool {
        (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a) || (byte >= 0x30 && byte <= 0x39)
            || byte == 0x2d || byte == 0x5f
    }

    /// Base64url without padding (RFC 4648 §5).
    package static func base64URL(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count * 4 + 2) / 3)
        var index = 0
        while index < bytes.count {
            let remaining = bytes.count - index
            let b0 = UInt32(bytes[index])
            let b1 = remaining > 1 ? UInt32(bytes[index + 1]) : 0
            let b2 = remaining > 2 ? UInt32(bytes[index + 2]) : 0
            let group = (b0 << 16) | (b1 << 8) | b2
            out.append(base64URLAlphabet[Int((group >> 18) & 0x3f)])
            out.append(base64URLAlphabet[Int((group >> 12) & 0x3f)])
            if remaining > 1 { out.append(base64URLAlphabet[Int((group >> 6) & 0x3f)]) }
            if remaining > 2 { out.append(base64URLAlphabet[Int(group & 0x3f)]) }
            index += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Compares two byte sequences in time that depends only on their lengths, never on where they differ.
    package static func constantTimeEquals(_ lhs: some Collection<UInt8>, _ rhs: some Collection<UInt8>) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for (left, right) in zip(lhs, rhs) {
            difference |= left ^ right
        }
        return difference == 0
    }
}
