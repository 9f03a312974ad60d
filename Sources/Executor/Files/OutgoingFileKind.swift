/// How a file Claude sends reaches the chat, from its content (never only its name): a PNG, JPEG, GIF or WebP
/// image within Telegram's photo limits (at most 10 MB, width plus height at most 10,000, sides at most 20:1)
/// goes as a photo; anything else, or an image whose size cannot be read, as a document.
enum OutgoingFileKind: Equatable, Sendable {
    case photo
    case document

    static let photoMaxBytes = 10 * 1024 * 1024

    static func of(_ bytes: [UInt8]) -> OutgoingFileKind {
        guard bytes.count <= photoMaxBytes, let (width, height) = imageSize(bytes), width > 0, height > 0,
              width + height <= 10_000, max(width, height) <= 20 * min(width, height)
        else { return .document }
        return .photo
    }

    /// Width and height from the image's own header, for the four formats Telegram shows as photos.
    static func imageSize(_ b: [UInt8]) -> (Int, Int)? {
        func be16(_ at: Int) -> Int { Int(b[at]) << 8 | Int(b[at + 1]) }
        func le16(_ at: Int) -> Int { Int(b[at]) | Int(b[at + 1]) << 8 }
        func be32(_ at: Int) -> Int { be16(at) << 16 | be16(at + 2) }
        func le24(_ at: Int) -> Int { le16(at) | Int(b[at + 2]) << 16 }
        if b.count >= 24, b.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]), b[12..<16].elementsEqual("IHDR".utf8) {
            return (be32(16), be32(20))
        }
        if b.count >= 10, b.starts(with: Array("GIF87a".utf8)) || b.starts(with: Array("GIF89a".utf8)) {
            return (le16(6), le16(8))
        }
        if b.count >= 30, b.starts(with: Array("RIFF".utf8)), b[8..<12].elementsEqual("WEBP".utf8) {
            switch String(decoding: b[12..<16], as: UTF8.self) {
            case "VP8 " where b[23] == 0x9D && b[24] == 0x01 && b[25] == 0x2A:
                return (le16(26) & 0x3FFF, le16(28) & 0x3FFF)
            case "VP8L" where b[20] == 0x2F:
                let bits = Int(b[21]) | Int(b[22]) << 8 | Int(b[23]) << 16 | Int(b[24]) << 24
                return ((bits & 0x3FFF) + 1, (bits >> 14 & 0x3FFF) + 1)
            case "VP8X":
                return (le24(24) + 1, le24(27) + 1)
            default:
                return nil
            }
        }
        if b.count >= 4, b[0] == 0xFF, b[1] == 0xD8 {
            // JPEG: walk the segments to the frame header (SOF0–SOF15 but DHT, JPG and DAC).
            var at = 2
            while at + 9 < b.count {
                guard b[at] == 0xFF else { return nil }
                let marker = b[at + 1]
                if marker == 0xFF { at += 1; continue }
                if (0xD0...0xD9).contains(marker) || marker == 0x01 { at += 2; continue }
                let length = be16(at + 2)
                if (0xC0...0xCF).contains(marker), ![0xC4, 0xC8, 0xCC].contains(marker) {
                    return (be16(at + 7), be16(at + 5))
                }
                guard length >= 2 else { return nil }
                at += 2 + length
            }
        }
        return nil
    }
}
