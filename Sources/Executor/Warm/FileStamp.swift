#if canImport(Glibc)
import Glibc
#endif

/// What `lstat` says about a path, enough to tell that it was replaced, rewritten or touched: a changed file has a
/// new size, modification or change time (ctime cannot be set back by the file's owner), or is another inode.
struct FileStamp: Equatable, Sendable {
    var device: UInt64
    var inode: UInt64
    var size: Int64
    /// Modification and status-change times, in nanoseconds since the epoch: compared only for equality, at the
    /// file system's own resolution (an `EpochMillis` would miss a rewrite within the same millisecond).
    var modifiedNanos: Int64
    var changedNanos: Int64

    /// nil when nothing is there.
    init?(path: String) {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
        size = Int64(info.st_size)
        modifiedNanos = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
        changedNanos = Int64(info.st_ctim.tv_sec) * 1_000_000_000 + Int64(info.st_ctim.tv_nsec)
    }
}
