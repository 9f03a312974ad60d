import CompressNIO
import Foundation
import NIOCore

/// Builds archives byte by byte for the tests, hostile ones included: a tar header or zip record says whatever
/// the test wants it to say.
public enum ArchiveFixture {
    public struct TarEntry {
        public var name: [UInt8]
        public var type: UInt8 = UInt8(ascii: "0")
        public var content: [UInt8] = []
        /// What the header claims; the content's length when nil.
        public var claimedSize: Int64?
        public var linkName: String = ""

        public init(_ name: String, type: Character = "0", content: String = "", claimedSize: Int64? = nil, linkName: String = "") {
            self.name = Array(name.utf8)
            self.type = UInt8(ascii: type.unicodeScalars.first!)
            self.content = Array(content.utf8)
            self.claimedSize = claimedSize
            self.linkName = linkName
        }

        public init(rawName: [UInt8], content: String = "") {
            name = rawName
            self.content = Array(content.utf8)
        }
    }

    public static func tarHeader(name: [UInt8], type: UInt8, size: Int64, linkName: String = "") -> [UInt8] {
        var header = [UInt8](repeating: 0, count: 512)
        func put(_ bytes: [UInt8], at offset: Int) { for (i, b) in bytes.enumerated() { header[offset + i] = b } }
        func octal(_ value: Int64, width: Int) -> [UInt8] {
            Array(String(value, radix: 8).leftPadded(to: width - 1).utf8) + [0]
        }
        put(Array(name.prefix(100)), at: 0)
        put(octal(0o644, width: 8), at: 100)
        put(octal(0, width: 8), at: 108)
        put(octal(0, width: 8), at: 116)
        if size < 0o77777777777 {
            put(octal(size, width: 12), at: 124)
        } else {
            // GNU base-256 for sizes past 8 GiB.
            var bytes = [UInt8](repeating: 0, count: 12)
            bytes[0] = 0x80
            var value = size
            for index in stride(from: 11, to: 0, by: -1) { bytes[index] = UInt8(value & 0xFF); value >>= 8 }
            put(bytes, at: 124)
        }
        put(octal(0, width: 12), at: 136)
        header[156] = type
        put(Array(linkName.utf8.prefix(100)), at: 157)
        put(Array("ustar\0".utf8), at: 257)
        put(Array("00".utf8), at: 263)
        put(Array(repeating: UInt8(ascii: " "), count: 8), at: 148)
        let sum = header.reduce(0) { $0 + Int64($1) }
        put(Array(String(sum, radix: 8).leftPadded(to: 6).utf8) + [0, UInt8(ascii: " ")], at: 148)
        return header
    }

    public static func tar(_ entries: [TarEntry], end: Bool = true) -> [UInt8] {
        var out: [UInt8] = []
        for entry in entries {
            out += tarHeader(name: entry.name, type: entry.type, size: entry.claimedSize ?? Int64(entry.content.count), linkName: entry.linkName)
            out += entry.content
            out += [UInt8](repeating: 0, count: (512 - entry.content.count % 512) % 512)
        }
        if end { out += [UInt8](repeating: 0, count: 1024) }
        return out
    }

    public static func gzip(_ bytes: [UInt8]) throws -> [UInt8] {
        var input = ByteBuffer(bytes: bytes)
        let output = try input.compress(with: .gzip())
        return Array(output.readableBytesView)
    }

    public static func deflate(_ bytes: [UInt8]) throws -> [UInt8] {
        var input = ByteBuffer(bytes: bytes)
        let output = try input.compress(with: .deflate())
        return Array(output.readableBytesView)
    }

    public struct ZipEntry {
        public var name: [UInt8]
        public var stored: [UInt8]
        /// 0 stored, 8 deflate.
        public var method: UInt16
        public var declaredSize: UInt32
        /// Unix mode in the external attributes (host 3).
        public var mode: UInt32

        public init(name: [UInt8], stored: [UInt8], method: UInt16, declaredSize: UInt32, mode: UInt32) {
            self.name = name
            self.stored = stored
            self.method = method
            self.declaredSize = declaredSize
            self.mode = mode
        }

        public static func file(_ name: String, _ content: String, deflate: Bool = false) throws -> ZipEntry {
            let bytes = Array(content.utf8)
            return ZipEntry(
                name: Array(name.utf8), stored: deflate ? try ArchiveFixture.deflate(bytes) : bytes, method: deflate ? 8 : 0,
                declaredSize: UInt32(bytes.count), mode: 0o100644)
        }

        public static func symlink(_ name: String, to target: String) -> ZipEntry {
            ZipEntry(name: Array(name.utf8), stored: Array(target.utf8), method: 0, declaredSize: UInt32(target.utf8.count), mode: 0o120777)
        }
    }

    /// A zip; `shareData` points every entry's central record at the first entry's local header (overlap).
    public static func zip(_ entries: [ZipEntry], shareData: Bool = false) -> [UInt8] {
        func le16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)] }
        func le32(_ v: UInt32) -> [UInt8] { le16(Int(v & 0xFFFF)) + le16(Int(v >> 16)) }
        var out: [UInt8] = []
        var central: [UInt8] = []
        var firstOffset: UInt32 = 0
        for (index, entry) in entries.enumerated() {
            let offset = UInt32(out.count)
            if index == 0 { firstOffset = offset }
            if !shareData || index == 0 {
                out += le32(0x0403_4B50) + le16(20) + le16(0) + le16(Int(entry.method)) + le16(0) + le16(0) + le32(0)
                out += le32(UInt32(entry.stored.count)) + le32(entry.declaredSize) + le16(entry.name.count) + le16(0)
                out += entry.name + entry.stored
            }
            central += le32(0x0201_4B50) + [20, 3] + le16(20) + le16(0) + le16(Int(entry.method)) + le16(0) + le16(0) + le32(0)
            central += le32(UInt32(entry.stored.count)) + le32(entry.declaredSize) + le16(entry.name.count) + le16(0) + le16(0)
            central += le16(0) + le16(0) + le32(entry.mode << 16) + le32(shareData ? firstOffset : offset) + entry.name
        }
        let centralOffset = UInt32(out.count)
        out += central
        out += le32(0x0605_4B50) + le16(0) + le16(0) + le16(entries.count) + le16(entries.count)
        out += le32(UInt32(central.count)) + le32(centralOffset) + le16(0)
        return out
    }

    /// A gzip stream of a tar holding one file of `gigabytes` GiB of zeros, built without ever holding the zeros:
    /// one mebibyte is compressed once and its (sync-flushed, byte-aligned) output repeated, which is valid
    /// because what it refers back to is always zeros. About 1 KB per MiB: a 10 GiB bomb is ~10 MB.
    public static func gzipZeroBomb(gigabytes: Int, claimedSize: Int64? = nil) throws -> [UInt8] {
        let mebibyte = [UInt8](repeating: 0, count: 1 << 20)
        let total = Int64(gigabytes) << 30
        let compressor = try ZlibCompressor(algorithm: .gzip)
        var first = ByteBuffer(bytes: tarHeader(name: Array("zeros.bin".utf8), type: UInt8(ascii: "0"), size: claimedSize ?? total) + mebibyte)
        var head = ByteBufferAllocator().buffer(capacity: 1 << 21)
        try compressor.deflate(from: &first, to: &head, flush: .sync)
        var next = ByteBuffer(bytes: mebibyte)
        var repeated = ByteBufferAllocator().buffer(capacity: 1 << 21)
        try compressor.deflate(from: &next, to: &repeated, flush: .sync)
        var out = Array(head.readableBytesView)
        let chunk = Array(repeated.readableBytesView)
        out.reserveCapacity(out.count + chunk.count * (gigabytes << 10))
        for _ in 1..<(gigabytes << 10) { out += chunk }
        return out
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
