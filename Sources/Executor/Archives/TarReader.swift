import NIOCore

/// A streaming reader of ustar, pax and GNU tar: 512-byte headers, content padded to 512 bytes. Sizes frame the
/// content, so a header that lies about one puts the next header in the wrong place, where its checksum fails;
/// a stream that ends inside an entry is refused. pax `path`/`size` and GNU long names are understood.
enum TarReader {
    static let block = 512
    /// A pax or GNU long-name record longer than this is not a name anyone needs.
    static let maxExtendedHeader = 64 * 1024

    static func walk<Source: ByteSource>(
        _ source: inout Source, maxEntries: Int, budget: inout ArchiveBudget, visit: ArchiveVisitor
    ) throws(ArchiveRefusal) -> [ArchiveEntry] {
        var entries: [ArchiveEntry] = []
        var pending = Extended()
        // Every header block counts, not only entries: endless pax headers must end too.
        var headers = 0
        while let header = try readBlock(&source) {
            if header.allSatisfy({ $0 == 0 }) { break }  // the end-of-archive marker
            headers += 1
            if headers > (maxEntries + 1) * 4 { throw ArchiveRefusal("too_many_entries", "it has too many entries") }
            guard checksumMatches(header) else { throw ArchiveRefusal("corrupt", "it is not a valid tar archive (a header's checksum is wrong)") }
            let type = header[156]
            var size = try number(header[124..<136])
            switch type {
            case UInt8(ascii: "x"), UInt8(ascii: "g"), UInt8(ascii: "L"), UInt8(ascii: "K"):
                guard size <= maxExtendedHeader else { throw ArchiveRefusal("corrupt", "it has an oversized extended header") }
                let payload = try readContent(&source, size: size)
                try budget.spend(payload.count)
                switch type {
                case UInt8(ascii: "x"): try pending.apply(pax: payload)
                case UInt8(ascii: "L"): pending.path = Array(payload.prefix { $0 != 0 })
                default: break  // global pax headers and GNU long link names change nothing we unpack
                }
                continue
            default:
                break
            }
            let name = pending.path ?? storedName(header)
            if let paxSize = pending.size { size = paxSize }
            pending = Extended()
            let kind = Self.kind(type, name: name)
            let index = entries.count
            if index >= maxEntries {
                // One past the cap is enough for the planner to refuse; the rest is not read.
                entries.append(ArchiveEntry(name: name, kind: kind, size: 0))
                return entries
            }
            let sink = try visit(index, name, kind)
            try stream(&source, size: size, budget: &budget, into: sink)
            entries.append(ArchiveEntry(name: name, kind: kind, size: size))
        }
        return entries
    }

    private struct Extended {
        var path: [UInt8]?
        var size: Int64?

        /// pax records: "<length> <key>=<value>\n", the length counting the whole record.
        mutating func apply(pax: [UInt8]) throws(ArchiveRefusal) {
            var rest = pax[...]
            while !rest.isEmpty {
                guard let space = rest.firstIndex(of: UInt8(ascii: " ")),
                      let length = Int(String(decoding: rest[rest.startIndex..<space], as: UTF8.self)),
                      length > space - rest.startIndex, length <= rest.count
                else { throw ArchiveRefusal("corrupt", "it has a damaged pax header") }
                let record = rest[(space + 1)..<(rest.startIndex + length - 1)]
                rest = rest[(rest.startIndex + length)...]
                guard let equals = record.firstIndex(of: UInt8(ascii: "=")) else { continue }
                let key = String(decoding: record[record.startIndex..<equals], as: UTF8.self)
                let value = Array(record[(equals + 1)...])
                switch key {
                case "path": path = value
                case "size":
                    guard let parsed = Int64(String(decoding: value, as: UTF8.self)), parsed >= 0 else {
                        throw ArchiveRefusal("corrupt", "it has a damaged pax size")
                    }
                    size = parsed
                default: break
                }
            }
        }
    }

    static func kind(_ type: UInt8, name: [UInt8]) -> ArchiveEntry.Kind {
        switch type {
        case 0, UInt8(ascii: "0"), UInt8(ascii: "7"): name.last == UInt8(ascii: "/") ? .directory : .file
        case UInt8(ascii: "1"): .hardlink
        case UInt8(ascii: "2"): .symlink
        case UInt8(ascii: "3"), UInt8(ascii: "4"): .device
        case UInt8(ascii: "5"): .directory
        case UInt8(ascii: "6"): .fifo
        default: .other("tar type \(String(decoding: [type], as: UTF8.self))")
        }
    }

    /// `prefix/name` for ustar (magic "ustar\0"); the name alone for GNU and old tars, whose prefix field holds
    /// other things.
    static func storedName(_ header: [UInt8]) -> [UInt8] {
        let name = Array(header[0..<100].prefix { $0 != 0 })
        guard header[257..<263].elementsEqual("ustar\0".utf8) else { return name }
        let prefix = Array(header[345..<500].prefix { $0 != 0 })
        return prefix.isEmpty ? name : prefix + [UInt8(ascii: "/")] + name
    }

    /// The header's checksum: its bytes summed with the checksum field read as spaces (unsigned, or signed as
    /// some old tars wrote it).
    static func checksumMatches(_ header: [UInt8]) -> Bool {
        guard let stored = try? number(header[148..<156]) else { return false }
        var unsigned: Int64 = 0
        var signed: Int64 = 0
        for (offset, byte) in header.enumerated() {
            let value = (148..<156).contains(offset) ? UInt8(ascii: " ") : byte
            unsigned += Int64(value)
            signed += Int64(Int8(bitPattern: value))
        }
        return stored == unsigned || stored == signed
    }

    /// An octal field (NUL or space terminated), or GNU's base-256 for big values (positive only).
    static func number(_ field: ArraySlice<UInt8>) throws(ArchiveRefusal) -> Int64 {
        if let first = field.first, first & 0x80 != 0 {
            guard first == 0x80 else { throw ArchiveRefusal("corrupt", "it has a negative size") }
            var value: Int64 = 0
            for byte in field.dropFirst() {
                guard value < (Int64.max >> 8) else { throw ArchiveRefusal("corrupt", "it has an impossible size") }
                value = value << 8 | Int64(byte)
            }
            return value
        }
        let digits = field.drop { $0 == UInt8(ascii: " ") }.prefix { $0 != 0 && $0 != UInt8(ascii: " ") }
        var value: Int64 = 0
        for digit in digits {
            guard (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(digit), value < (Int64.max >> 3) else {
                throw ArchiveRefusal("corrupt", "it is not a valid tar archive (a number field is damaged)")
            }
            value = value << 3 | Int64(digit - UInt8(ascii: "0"))
        }
        return value
    }

    /// One 512-byte block, nil at a clean end of the stream, refused when the stream stops inside it.
    static func readBlock<Source: ByteSource>(_ source: inout Source) throws(ArchiveRefusal) -> [UInt8]? {
        var block: [UInt8] = []
        block.reserveCapacity(Self.block)
        while block.count < Self.block {
            guard var chunk = try source.read(upTo: Self.block - block.count) else {
                if block.isEmpty { return nil }
                throw ArchiveRefusal("corrupt", "it ends in the middle of a header")
            }
            block += chunk.readBytes(length: chunk.readableBytes) ?? []
        }
        return block
    }

    /// A small record's content (extended headers), padding skipped.
    static func readContent<Source: ByteSource>(_ source: inout Source, size: Int64) throws(ArchiveRefusal) -> [UInt8] {
        var bytes: [UInt8] = []
        var budget = ArchiveBudget(limits: ArchiveLimits(), archiveBytes: Int(size))
        try stream(&source, size: size, budget: &budget) { chunk throws(ArchiveRefusal) in bytes += chunk }
        return bytes
    }

    /// Streams `size` bytes of content to `sink` (or drops them), then skips the padding to the next block.
    static func stream<Source: ByteSource>(
        _ source: inout Source, size: Int64, budget: inout ArchiveBudget, into sink: ArchiveContentSink?
    ) throws(ArchiveRefusal) {
        let padded = (size + Int64(Self.block) - 1) / Int64(Self.block) * Int64(Self.block)
        var remaining = padded
        var content = size
        while remaining > 0 {
            guard let chunk = try source.read(upTo: Int(min(remaining, Int64(ArchiveReader.windowBytes)))) else {
                throw ArchiveRefusal("corrupt", "it ends in the middle of an entry (its header may claim a wrong size)")
            }
            let useful = Int(min(Int64(chunk.readableBytes), content))
            if useful > 0 {
                try budget.spend(useful)
                if let sink {
                    var failure: ArchiveRefusal?
                    chunk.withUnsafeReadableBytes { bytes in
                        do throws(ArchiveRefusal) { try sink(UnsafeRawBufferPointer(rebasing: bytes[0..<useful])) } catch { failure = error }
                    }
                    if let failure { throw failure }
                }
            }
            content -= Int64(useful)
            remaining -= Int64(chunk.readableBytes)
        }
    }
}
