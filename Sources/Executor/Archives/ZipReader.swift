import CompressNIO
import NIOCore

/// Reads a zip from its central directory and streams each entry's content out of exactly its own compressed
/// bytes. Stored and deflated entries; encrypted, zip64 and other methods are refused (nothing an upload of at
/// most 20 MB needs). An entry that inflates to more or less than its declared size is refused: the size in a
/// header is checked against the bytes, never used to size anything.
///
/// Why not ZIPFoundation 0.9.20 (which does stream an entry in `bufferSize` chunks): on Linux its inflate loop
/// (`Data.decode`) reads past the entry's compressed size and, on a deflate stream that runs to the end of the
/// file, asks for more input forever; and the entry's data offset is internal, so its bytes cannot be handed to
/// another inflater.
struct ZipReader {
    let data: [UInt8]

    init(_ data: [UInt8]) { self.data = data }

    private struct Record {
        var name: [UInt8]
        var kind: ArchiveEntry.Kind
        var method: UInt16
        var compressedSize: Int
        var declaredSize: Int64
        var dataStart: Int
    }

    func walk(maxEntries: Int, budget: inout ArchiveBudget, visit: ArchiveVisitor) throws(ArchiveRefusal) -> [ArchiveEntry] {
        let records = try directory(maxEntries: maxEntries)
        var entries: [ArchiveEntry] = []
        for (index, record) in records.enumerated() {
            if index >= maxEntries {
                entries.append(ArchiveEntry(name: record.name, kind: record.kind, size: 0))
                break
            }
            let sink = try visit(index, record.name, record.kind)
            let size = try stream(record, budget: &budget, into: sink)
            entries.append(ArchiveEntry(name: record.name, kind: record.kind, size: size))
        }
        return entries
    }

    private func u16(_ at: Int) -> Int { Int(data[at]) | Int(data[at + 1]) << 8 }
    private func u32(_ at: Int) -> Int { u16(at) | u16(at + 2) << 16 }

    private static let corrupt = ArchiveRefusal("corrupt", "it is not a valid zip archive")

    /// The central directory's records, at most `maxEntries + 1`, each checked against its local header.
    private func directory(maxEntries: Int) throws(ArchiveRefusal) -> [Record] {
        // The end record is in the last 22 + 65,535 (comment) bytes.
        guard data.count >= 22 else { throw Self.corrupt }
        var end = data.count - 22
        let lowest = max(0, data.count - 22 - 65_535)
        while end >= lowest, !(data[end] == 0x50 && data[end + 1] == 0x4B && data[end + 2] == 5 && data[end + 3] == 6) {
            end -= 1
        }
        guard end >= lowest else { throw Self.corrupt }
        let count = u16(end + 10)
        let size = u32(end + 12)
        let offset = u32(end + 16)
        if count == 0xFFFF || size == 0xFFFF_FFFF || offset == 0xFFFF_FFFF {
            throw ArchiveRefusal("unsupported", "it is a zip64 archive, which is not unpacked")
        }
        guard u16(end + 4) == 0, u16(end + 6) == 0, offset + size <= end else { throw Self.corrupt }
        var records: [Record] = []
        var at = offset
        var ranges: [Range<Int>] = []
        for _ in 0..<min(count, maxEntries + 1) {
            guard at + 46 <= offset + size, u32(at) == 0x0201_4B50 else { throw Self.corrupt }
            let host = data[at + 5]
            let flags = u16(at + 8)
            let method = UInt16(u16(at + 10))
            let compressed = u32(at + 20)
            let declared = Int64(u32(at + 24))
            let nameLength = u16(at + 28)
            let extraLength = u16(at + 30)
            let commentLength = u16(at + 32)
            let external = u32(at + 38)
            let local = u32(at + 42)
            guard at + 46 + nameLength <= offset + size else { throw Self.corrupt }
            let name = Array(data[(at + 46)..<(at + 46 + nameLength)])
            at += 46 + nameLength + extraLength + commentLength
            if flags & 1 != 0 { throw ArchiveRefusal("unsupported", "it is encrypted") }
            if compressed == 0xFFFF_FFFF || declared == 0xFFFF_FFFF {
                throw ArchiveRefusal("unsupported", "it is a zip64 archive, which is not unpacked")
            }
            // The local header must be where the directory says, and the data must lie before the directory.
            guard local + 30 <= offset, u32(local) == 0x0403_4B50 else { throw Self.corrupt }
            let dataStart = local + 30 + u16(local + 26) + u16(local + 28)
            guard dataStart + compressed <= offset else { throw Self.corrupt }
            ranges.append(local..<(dataStart + compressed))
            records.append(Record(
                name: name, kind: Self.kind(name: name, host: host, external: external), method: method,
                compressedSize: compressed, declaredSize: declared, dataStart: dataStart))
        }
        // Entries sharing their bytes are how a small zip claims gigabytes many times over.
        let sorted = ranges.sorted { $0.lowerBound < $1.lowerBound }
        for (first, second) in zip(sorted, sorted.dropFirst()) where first.upperBound > second.lowerBound {
            throw ArchiveRefusal("corrupt", "its entries overlap (a zip bomb?)")
        }
        return records
    }

    /// Unix modes travel in the high half of the external attributes when the archive was made on Unix (host 3).
    static func kind(name: [UInt8], host: UInt8, external: Int) -> ArchiveEntry.Kind {
        let directoryName = name.last == UInt8(ascii: "/")
        guard host == 3 else { return directoryName || external & 0x10 != 0 ? .directory : .file }
        switch (external >> 16) & 0o170000 {
        case 0o120000: return .symlink
        case 0o040000: return .directory
        case 0o020000, 0o060000: return .device
        case 0o010000: return .fifo
        case 0o140000: return .other("socket")
        default: return directoryName ? .directory : .file
        }
    }

    /// Streams one entry's content, counting it against the budget and its declared size.
    private func stream(_ record: Record, budget: inout ArchiveBudget, into sink: ArchiveContentSink?) throws(ArchiveRefusal) -> Int64 {
        let name = ArchiveEntry(name: record.name, kind: record.kind, size: 0)
        var produced: Int64 = 0
        func emit(_ bytes: UnsafeRawBufferPointer) throws(ArchiveRefusal) {
            produced += Int64(bytes.count)
            if produced > record.declaredSize {
                throw .entry(name, "size_mismatch", "holds more than its header says (a decompression bomb?)")
            }
            try budget.spend(bytes.count)
            try sink?(bytes)
        }
        let bytes = data[record.dataStart..<(record.dataStart + record.compressedSize)]
        switch record.method {
        case 0:
            var at = bytes.startIndex
            while at < bytes.endIndex {
                let next = min(at + ArchiveReader.windowBytes, bytes.endIndex)
                var failure: ArchiveRefusal?
                bytes[at..<next].withUnsafeBytes { chunk in
                    do throws(ArchiveRefusal) { try emit(chunk) } catch { failure = error }
                }
                if let failure { throw failure }
                at = next
            }
        case 8:
            var source = try InflatingByteSource(Array(bytes), gzip: false)
            while let chunk = try source.read(upTo: ArchiveReader.windowBytes) {
                var failure: ArchiveRefusal?
                chunk.withUnsafeReadableBytes { chunk in
                    do throws(ArchiveRefusal) { try emit(chunk) } catch { failure = error }
                }
                if let failure { throw failure }
            }
        default:
            throw .entry(name, "unsupported", "is compressed with a method other than deflate")
        }
        if produced != record.declaredSize {
            throw .entry(name, "size_mismatch", "holds fewer bytes than its header says (damaged?)")
        }
        return produced
    }
}
