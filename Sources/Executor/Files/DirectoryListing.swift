import Foundation
import Messages

/// `/ls` and `/projects`: the visible entries of one directory, directories first, at most `limit` of them.
/// Dotfiles are left out; so are symlinks that lead nowhere or outside the approved directory (nothing could be
/// done with them, and their targets are not this executor's to describe).
struct DirectoryListing {
    static let limit = 200

    let workspaces: WorkspaceGuard

    func list(_ relative: String) throws(FileOperationError) -> (entries: [FileResult.Entry], message: String?) {
        let real = try workspaces.resolve(relative)
        var info = stat()
        guard stat(real, &info) == 0 else { throw .notFound(relative) }
        guard info.st_mode & S_IFMT == S_IFDIR else { throw .notADirectory(relative) }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: real)
        } catch {
            throw .unreadable(relative)
        }
        let entries = names.filter { !$0.hasPrefix(".") }.compactMap { entry(named: $0, in: real) }.sorted(by: Self.order)
        guard entries.count > Self.limit else { return (entries, nil) }
        return (Array(entries.prefix(Self.limit)), "showing the first \(Self.limit) of \(entries.count) entries")
    }

    private func entry(named name: String, in directory: String) -> FileResult.Entry? {
        let path = directory + "/" + name
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        if info.st_mode & S_IFMT == S_IFLNK {
            guard let target = WorkspaceGuard.realPath(path), workspaces.contains(target), stat(target, &info) == 0 else {
                return nil
            }
        }
        let isDirectory = info.st_mode & S_IFMT == S_IFDIR
        return FileResult.Entry(
            name: name, isDirectory: isDirectory,
            isGitRepository: isDirectory && FileManager.default.fileExists(atPath: path + "/.git"),
            size: info.st_mode & S_IFMT == S_IFREG ? Int64(info.st_size) : nil)
    }

    /// Directories first, then by name ignoring case (ties by the exact name, so the order is total).
    static func order(_ left: FileResult.Entry, _ right: FileResult.Entry) -> Bool {
        if left.isDirectory != right.isDirectory { return left.isDirectory }
        let (a, b) = (left.name.lowercased(), right.name.lowercased())
        return a != b ? a < b : left.name < right.name
    }
}
