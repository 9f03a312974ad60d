import Foundation

/// Where the Claude Code CLI keeps a session's transcript: `$HOME/.claude/projects/<cwd, sanitized>/<session>.jsonl`.
/// The CLI sanitizes by replacing every UTF-16 code unit that is not an ASCII letter or digit with "-", and cuts a
/// name longer than 200 after 200 characters, adding "-" and a hash of the path (checked against CLI 2.1.330).
struct TranscriptLocator {
    static let maximumNameLength = 200

    /// `$HOME` of the CLI runs.
    let home: String

    /// A session id as the CLI makes them (a UUID); anything else is refused before it comes near a path.
    static func isSessionId(_ text: String) -> Bool {
        let groups = text.split(separator: "-", omittingEmptySubsequences: false)
        return groups.map(\.count) == [8, 4, 4, 4, 12] && groups.allSatisfy { $0.allSatisfy(\.isHexDigit) }
            && text.allSatisfy(\.isASCII)
    }

    static func projectDirectoryName(workingDirectory: String) -> String {
        let kept: [ClosedRange<UInt16>] = [48...57, 65...90, 97...122]
        let units = workingDirectory.utf16.map { unit in kept.contains { $0.contains(unit) } ? unit : 45 }
        return String(decoding: units, as: UTF16.self)
    }

    /// The transcript of `sessionId` run in `workingDirectory` (a real path), or nil when there is none.
    func transcript(sessionId: String, workingDirectory: String) -> String? {
        guard Self.isSessionId(sessionId) else { return nil }
        let projects = home + "/.claude/projects"
        let name = Self.projectDirectoryName(workingDirectory: workingDirectory)
        let file = sessionId + ".jsonl"
        if name.count <= Self.maximumNameLength {
            return regularFile(projects + "/" + name + "/" + file)
        }
        // A long path: the CLI adds a hash of its own to the cut name; accept any directory with the same cut name.
        let prefix = String(name.prefix(Self.maximumNameLength)) + "-"
        let candidates = (try? FileManager.default.contentsOfDirectory(atPath: projects)) ?? []
        for candidate in candidates.sorted() where candidate.hasPrefix(prefix) {
            if let found = regularFile(projects + "/" + candidate + "/" + file) { return found }
        }
        return nil
    }

    private func regularFile(_ path: String) -> String? {
        var info = stat()
        return lstat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFREG ? path : nil
    }
}
