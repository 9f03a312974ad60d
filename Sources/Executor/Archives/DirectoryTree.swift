import Foundation

/// Creates folders and files under one directory through descriptors (`openat`, `mkdirat`), never through a path
/// string: every component is opened with `O_NOFOLLOW | O_DIRECTORY`, so a symbolic link already in the
/// workspace (or put there by someone else meanwhile) is refused instead of followed, and a file is created only
/// where no name exists (`O_EXCL`). Remembers what it made, so a refused archive leaves nothing behind.
final class DirectoryTree {
    private let root: Int32
    private(set) var createdDirectories: [[String]] = []
    private(set) var createdFiles: [[String]] = []

    init(root path: String) throws(ArchiveRefusal) {
        root = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard root >= 0 else { throw ArchiveRefusal("write_failed", "the folder to unpack into cannot be opened") }
    }

    deinit { close(root) }

    /// The folder at `path` (created when missing, `create`), opened without following any link.
    private func directory(_ path: ArraySlice<String>, create: Bool) throws(ArchiveRefusal) -> Int32 {
        var current = dup(root)
        var walked: [String] = []
        for component in path {
            walked.append(component)
            var next = openat(current, component, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            if next < 0, errno == ENOENT, create {
                if mkdirat(current, component, 0o755) == 0 {
                    createdDirectories.append(walked)
                } else if errno != EEXIST {
                    close(current)
                    throw failure(walked, errno)
                }
                next = openat(current, component, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            }
            var problem = errno
            if next < 0, problem == ENOTDIR, isLink(current, component) { problem = ELOOP }
            close(current)
            guard next >= 0 else { throw failure(walked, problem) }
            current = next
        }
        return current
    }

    func makeDirectory(_ path: [String]) throws(ArchiveRefusal) {
        close(try directory(path[...], create: true))
    }

    /// Creates `path` as a new regular file and returns its descriptor; the caller closes it.
    func createFile(_ path: [String]) throws(ArchiveRefusal) -> Int32 {
        let parent = try directory(path.dropLast(), create: false)
        defer { close(parent) }
        let name = path[path.count - 1]
        let descriptor = openat(parent, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw failure(path, errno) }
        createdFiles.append(path)
        // Checked again on the disk: what the name now points at is the file just opened, a plain file with one
        // link, so nothing was swapped in between.
        var opened = stat()
        var named = stat()
        guard fstat(descriptor, &opened) == 0, fstatat(parent, name, &named, AT_SYMLINK_NOFOLLOW) == 0,
              opened.st_dev == named.st_dev, opened.st_ino == named.st_ino,
              opened.st_mode & S_IFMT == S_IFREG, opened.st_nlink == 1, fchmod(descriptor, 0o644) == 0
        else {
            close(descriptor)
            throw ArchiveRefusal("write_failed", "\(path.joined(separator: "/")) changed while it was written")
        }
        return descriptor
    }

    /// Takes over what an earlier tree created, to remove it.
    func adopt(files: [[String]], directories: [[String]]) {
        createdFiles += files
        createdDirectories += directories
    }

    /// Removes every file and folder this tree created, files first, folders deepest first.
    func removeCreated() {
        for path in createdFiles.reversed() {
            if let parent = try? directory(path.dropLast(), create: false) {
                unlinkat(parent, path[path.count - 1], 0)
                close(parent)
            }
        }
        for path in createdDirectories.reversed() {
            if let parent = try? directory(path.dropLast(), create: false) {
                unlinkat(parent, path[path.count - 1], AT_REMOVEDIR)
                close(parent)
            }
        }
        createdFiles = []
        createdDirectories = []
    }

    /// `O_DIRECTORY` is checked before `O_NOFOLLOW`, so a link to a folder fails as "not a folder": tell them apart.
    private func isLink(_ directory: Int32, _ name: String) -> Bool {
        var info = stat()
        return fstatat(directory, name, &info, AT_SYMLINK_NOFOLLOW) == 0 && info.st_mode & S_IFMT == S_IFLNK
    }

    private func failure(_ path: [String], _ code: Int32) -> ArchiveRefusal {
        let shown = path.joined(separator: "/")
        switch code {
        case EEXIST: return ArchiveRefusal("exists", "\(shown) already exists in the folder; nothing is overwritten")
        case ELOOP: return ArchiveRefusal("escapes", "\(shown) is a link in the folder; links are not followed")
        case ENOTDIR: return ArchiveRefusal("exists", "\(shown) is a file in the folder, not a folder")
        default: return ArchiveRefusal("write_failed", "\(shown) cannot be written: \(String(cString: strerror(code)))")
        }
    }
}
