import Foundation

/// Unpacks one archive upload into a directory, all or nothing: the archive is read once to list its entries
/// (content counted, not kept), the planner decides, then it is read again and each planned file streams to disk
/// through `DirectoryTree`. Any problem, early or late, refuses the whole archive and removes what was written.
enum ArchiveUnpacker {
    struct Unpacked: Sendable, Equatable {
        /// The archive's name as the person sent it.
        var archive: String
        /// Files written, as relative paths, in the archive's order.
        var files: [String]
        /// Folders created (that did not exist before).
        var directories: [String]
        var bytes: Int64
    }

    static func unpack(
        _ data: [UInt8], named archive: String, format: ArchiveFormat, into directory: String, limits: ArchiveLimits = .init()
    ) throws(ArchiveRefusal) -> Unpacked {
        let entries = try ArchiveReader.walk(data, format: format, limits: limits) { _, _, _ in nil }
        let steps: [ArchivePlanner.Step]
        switch ArchivePlanner.plan(entries, limits: limits, archiveBytes: data.count) {
        case .failure(let refusal): throw refusal
        case .success(let planned): steps = planned
        }
        var files: [Int: [String]] = [:]
        let tree = try DirectoryTree(root: directory)
        // The file being written: closed when the next entry starts, at the end, or on a refusal.
        var current: Int32 = -1
        defer { if current >= 0 { close(current) } }
        do throws(ArchiveRefusal) {
            for step in steps {
                switch step {
                case .directory(let path): try tree.makeDirectory(path)
                case .file(let path, let index, _): files[index] = path
                }
            }
            var written: Int64 = 0
            _ = try ArchiveReader.walk(data, format: format, limits: limits) { index, _, _ throws(ArchiveRefusal) in
                if current >= 0 { close(current); current = -1 }
                guard let path = files[index] else { return nil }
                current = try tree.createFile(path)
                let descriptor = current
                return { bytes throws(ArchiveRefusal) in
                    guard writeAll(descriptor, bytes) else {
                        throw ArchiveRefusal("write_failed", "\(path.joined(separator: "/")) could not be written")
                    }
                    written += Int64(bytes.count)
                }
            }
            if current >= 0 { close(current); current = -1 }
            return Unpacked(
                archive: archive,
                files: files.keys.sorted().compactMap { files[$0]?.joined(separator: "/") },
                directories: tree.createdDirectories.map { $0.joined(separator: "/") },
                bytes: written)
        } catch {
            if current >= 0 { close(current); current = -1 }
            tree.removeCreated()
            throw error
        }
    }

    /// Takes an unpacked archive out of the directory again (a later upload of the same job was refused).
    static func remove(_ unpacked: Unpacked, from directory: String) {
        guard let tree = try? DirectoryTree(root: directory) else { return }
        tree.adopt(
            files: unpacked.files.map { $0.split(separator: "/").map(String.init) },
            directories: unpacked.directories.map { $0.split(separator: "/").map(String.init) })
        tree.removeCreated()
    }

    private static func writeAll(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let count = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if count < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += count
        }
        return true
    }
}
