/// Lowercase hexadecimal, two digits per byte. Written out by hand: `String(format: "%02x")` goes through
/// CoreFoundation's formatter for every byte, which made hashing a job's prompt for its signature cost more than
/// checking the signature.
public enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    public static func lowercase(_ bytes: some Sequence<UInt8>) -> String {
        var text: [UInt8] = []
        text.reserveCapacity(max(bytes.underestimatedCount * 2, 64))  // a digest reports no count: room for SHA-256's
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
