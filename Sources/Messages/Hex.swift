import Crypto
import Foundation

/// Lowercase hexadecimal text of bytes (digests, ids, fingerprints).
public enum Hex {
    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    public static func lowercase(_ bytes: UnsafeRawBufferPointer) -> String {
        String(unsafeUninitializedCapacity: bytes.count * 2) { text in
            var index = 0
            for byte in bytes {
                text[index] = digits[Int(byte >> 4)]
                text[index + 1] = digits[Int(byte & 0x0f)]
                index += 2
            }
            return index
        }
    }

    public static func lowercase(_ bytes: [UInt8]) -> String {
        bytes.withUnsafeBytes { lowercase($0) }
    }

    /// A digest or MAC through its bytes: iterating one as a `Sequence` costs thousands of instructions per byte
    /// (the audit chain hashes every entry).
    public static func lowercase(_ digest: some ContiguousBytes) -> String {
        digest.withUnsafeBytes { lowercase($0) }
    }
}
