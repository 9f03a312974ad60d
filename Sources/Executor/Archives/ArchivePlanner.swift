import ToolPolicy

/// Decides, without touching the disk, whether an archive's entries may be unpacked into a directory, and into
/// which paths. Pure: the entry list and the limits in, the plan or the first refusal out.
///
/// The rule is all or nothing: one entry that would leave the directory, link somewhere, make a device, repeat a
/// name or break a cap refuses the whole archive, because a half-unpacked project is worse than none.
enum ArchivePlanner {
    /// Something to create, by its path relative to the target: folders before what goes in them.
    enum Step: Sendable, Equatable {
        case directory([String])
        /// `entry` is the index of the entry in the reader's order, so the writer can match its bytes.
        case file([String], entry: Int, size: Int64)
    }

    /// Names that configure the CLI or git in a workspace: a `.claude/settings.json` or `.mcp.json` can start
    /// programs when Claude starts, and `.git` holds hooks and configuration. Not something to plant by upload.
    static let reservedComponents: Set<String> = [".claude", ".mcp.json", ".git"]

    static func plan(_ entries: [ArchiveEntry], limits: ArchiveLimits, archiveBytes: Int) -> Result<[Step], ArchiveRefusal> {
        if entries.count > limits.maxEntries {
            return .failure(ArchiveRefusal(
                "too_many_entries", "it has more than \(limits.maxEntries) entries; the limit is \(limits.maxEntries)"))
        }
        var steps: [Step] = []
        var files: Set<[String]> = []
        var directories: Set<[String]> = []
        var total: Int64 = 0
        let budget = limits.budget(archiveBytes: archiveBytes)
        for (index, entry) in entries.enumerated() {
            let path: [String]
            switch components(of: entry, limits: limits) {
            case .failure(let refusal): return .failure(refusal)
            case .success(let found): path = found
            }
            switch entry.kind {
            case .file, .directory: break
            case .symlink: return .failure(.entry(entry, "link", "is a symbolic link; links are not unpacked"))
            case .hardlink: return .failure(.entry(entry, "link", "is a hard link; links are not unpacked"))
            case .device: return .failure(.entry(entry, "special_file", "is a device file"))
            case .fifo: return .failure(.entry(entry, "special_file", "is a named pipe"))
            case .other(let what): return .failure(.entry(entry, "special_file", "is of a kind that is not unpacked (\(what))"))
            }
            if files.contains(path) || directories.contains(path) {
                return .failure(.entry(entry, "duplicate", "appears twice in the archive"))
            }
            // Every parent must be a folder: a file entry "a" then "a/b" would need "a" to be both.
            for depth in 1..<path.count {
                let parent = Array(path[..<depth])
                if files.contains(parent) {
                    return .failure(.entry(entry, "duplicate", "is inside \"\(parent.joined(separator: "/"))\", which is a file"))
                }
                if directories.insert(parent).inserted { steps.append(.directory(parent)) }
            }
            if entry.kind == .directory {
                directories.insert(path)
                steps.append(.directory(path))
                continue
            }
            total += entry.size
            if total > budget {
                return .failure(tooLarge(total: total, budget: budget, limits: limits))
            }
            files.insert(path)
            steps.append(.file(path, entry: index, size: entry.size))
        }
        return .success(steps)
    }

    /// The refusal for unpacking past the budget: the ratio's or the total's, whichever is the smaller cap.
    static func tooLarge(total: Int64, budget: Int64, limits: ArchiveLimits) -> ArchiveRefusal {
        if budget < limits.maxTotalBytes {
            return ArchiveRefusal("ratio", "it unpacks to more than \(limits.maxRatio) times its own size (a decompression bomb?)")
        }
        return ArchiveRefusal("too_large", "it unpacks to more than \(limits.maxTotalBytes / 1_048_576) MB")
    }

    /// The entry's path as plain components: no absolute or drive-letter start, no `..`, no backslash, no NUL or
    /// control character, valid UTF-8, within the length and depth limits; `.` and empty components dropped.
    static func components(of entry: ArchiveEntry, limits: ArchiveLimits) -> Result<[String], ArchiveRefusal> {
        guard let name = String(validating: entry.name, as: UTF8.self) else {
            return .failure(.entry(entry, "bad_name", "has a name that is not UTF-8"))
        }
        if name.unicodeScalars.contains(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }) {
            return .failure(.entry(entry, "bad_name", "has a control character or NUL in its name"))
        }
        if name.contains("\\") {
            return .failure(.entry(entry, "bad_name", "has a backslash in its name (a Windows path separator)"))
        }
        if name.hasPrefix("/") {
            return .failure(.entry(entry, "absolute", "has an absolute path"))
        }
        let scalars = Array(name.unicodeScalars.prefix(2))
        if scalars.count == 2, scalars[1] == ":", scalars[0].properties.isAlphabetic {
            return .failure(.entry(entry, "absolute", "starts with a drive letter"))
        }
        if entry.name.count > limits.maxPathBytes {
            return .failure(.entry(entry, "bad_name", "has a path longer than \(limits.maxPathBytes) bytes"))
        }
        let parts = name.split(separator: "/", omittingEmptySubsequences: true).map(String.init).filter { $0 != "." }
        if parts.contains("..") {
            return .failure(.entry(entry, "escapes", "uses .. and could leave the folder"))
        }
        if parts.isEmpty {
            return .failure(.entry(entry, "bad_name", "has no name"))
        }
        if parts.count > limits.maxDepth {
            return .failure(.entry(entry, "bad_name", "is nested deeper than \(limits.maxDepth) folders"))
        }
        if parts.contains(where: { $0.utf8.count > limits.maxComponentBytes }) {
            return .failure(.entry(entry, "bad_name", "has a name part longer than \(limits.maxComponentBytes) bytes"))
        }
        if let reserved = parts.first(where: { reservedComponents.contains($0.lowercased()) }) {
            return .failure(.entry(entry, "reserved", "is under \(reserved), which configures tools in the workspace"))
        }
        if SecretFiles.isSecret(parts.joined(separator: "/")) {
            return .failure(.entry(entry, "secret", "is a credentials file (keys, .env, …); secrets are not accepted"))
        }
        return .success(parts)
    }
}
