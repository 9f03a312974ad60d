/// Counts the bytes an archive really unpacks to, as they stream out, and stops the reader the moment it passes
/// the cap: a header's size is never believed in advance.
struct ArchiveBudget {
    let limits: ArchiveLimits
    let cap: Int64
    private(set) var spent: Int64 = 0

    init(limits: ArchiveLimits, archiveBytes: Int) {
        self.limits = limits
        cap = limits.budget(archiveBytes: archiveBytes)
    }

    mutating func spend(_ count: Int) throws(ArchiveRefusal) {
        spent += Int64(count)
        if spent > cap { throw ArchivePlanner.tooLarge(total: spent, budget: cap, limits: limits) }
    }
}

/// What a reader asks of its caller for each entry: where its content goes (nil: counted, then dropped).
typealias ArchiveContentSink = (UnsafeRawBufferPointer) throws(ArchiveRefusal) -> Void

/// Called by a reader with each entry's index, stored name and kind, before its content streams.
typealias ArchiveVisitor = (_ index: Int, _ name: [UInt8], _ kind: ArchiveEntry.Kind) throws(ArchiveRefusal) -> ArchiveContentSink?

/// Walks an archive held in memory (an upload is at most 20 MB), streaming each entry's content a window at a
/// time. Returns the entries with their real sizes; stops after `maxEntries + 1` so the planner can refuse a
/// huge count without the reader holding it.
enum ArchiveReader {
    /// Output windows of the inflater and chunks of stored content: what is in memory at once besides the upload.
    static let windowBytes = 64 * 1024

    static func walk(
        _ data: [UInt8], format: ArchiveFormat, limits: ArchiveLimits, visit: ArchiveVisitor
    ) throws(ArchiveRefusal) -> [ArchiveEntry] {
        var budget = ArchiveBudget(limits: limits, archiveBytes: data.count)
        switch format {
        case .zip:
            return try ZipReader(data).walk(maxEntries: limits.maxEntries, budget: &budget, visit: visit)
        case .tar:
            var source = PlainByteSource(data)
            return try TarReader.walk(&source, maxEntries: limits.maxEntries, budget: &budget, visit: visit)
        case .tarGzip:
            var source = try InflatingByteSource(data, gzip: true)
            return try TarReader.walk(&source, maxEntries: limits.maxEntries, budget: &budget, visit: visit)
        }
    }
}
