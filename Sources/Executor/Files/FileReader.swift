import Foundation
import ToolPolicy

/// `/get`: the bytes of one regular file, refused when it may hold credentials (by its name as asked and as it
/// really is after symlinks), is not a regular file, or is larger than the limit.
struct FileReader {
    /// Telegram bots may upload 50 MB; 20 MB keeps a message on the wire and in memory reasonable.
    static let defaultLimit = 20 * 1024 * 1024

    let workspaces: WorkspaceGuard

    func read(_ relative: String, maxBytes: Int?) throws(FileOperationError) -> Data {
        let limit = min(max(maxBytes ?? Self.defaultLimit, 0), Self.defaultLimit)
        if SecretFiles.isSecret(relativePath: relative) { throw .refused(relative) }
        let real = try workspaces.resolve(relative)
        if SecretFiles.isSecret(relativePath: workspaces.relativeToRoot(real)) { throw .refused(relative) }
        // O_NONBLOCK: a FIFO must not hang the request; O_NOFOLLOW: the real path has no symlink left to follow.
        let descriptor = open(real, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else {
            switch errno {
            case ENOENT: throw .notFound(relative)
            case ELOOP: throw .outside(relative)
            default: throw .unreadable(relative)
            }
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw .unreadable(relative) }
        switch info.st_mode & S_IFMT {
        case S_IFDIR: throw .isADirectory(relative)
        case S_IFREG: break
        default: throw .unreadable(relative, "is not a regular file")
        }
        guard info.st_size <= limit else { throw .tooLarge(relative, size: Int64(info.st_size), limit: limit) }
        // One byte past the limit: a file that grew since fstat is refused, not cut.
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: false)
        let data: Data
        do {
            data = try handle.read(upToCount: limit + 1) ?? Data()
        } catch {
            throw .unreadable(relative)
        }
        guard data.count <= limit else { throw .tooLarge(relative, size: Int64(data.count), limit: limit) }
        return data
    }
}
