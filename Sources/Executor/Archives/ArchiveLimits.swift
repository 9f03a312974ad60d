/// How much one archive upload may put on disk. The caps are enforced while the bytes stream out of the archive,
/// never from what its headers claim: a decompression bomb lies about its sizes.
struct ArchiveLimits: Sendable, Equatable {
    /// Entries (files and folders) in one archive; a project's source tree stays far below.
    var maxEntries = 10_000
    /// Bytes all entries unpack to together.
    var maxTotalBytes: Int64 = 200 * 1024 * 1024
    /// Unpacked bytes per archive byte. Source code compresses 3–10 times; a bomb a thousand times.
    var maxRatio: Int64 = 100
    /// A path inside the archive, in bytes, and its depth in folders.
    var maxPathBytes = 1_024
    var maxDepth = 32
    var maxComponentBytes = 255

    /// The most an archive of `archiveBytes` bytes may unpack to: the smaller of the total and the ratio cap.
    func budget(archiveBytes: Int) -> Int64 {
        min(maxTotalBytes, Int64(max(archiveBytes, 1)) * maxRatio)
    }
}
