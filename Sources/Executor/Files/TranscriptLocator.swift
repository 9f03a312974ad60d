import Foundation

/// Where the Claude Code CLI keeps a session's transcript: `$HOME/.claude/projects/<cwd, sanitized>/<session>.jsonl`.
/// The CLI sanitizes by replacing every UTF-16 code unit that is not an ASCII letter or digit with "-", and cuts a
/// name longer than 200 after 200 characters, adding "-" and a 32-bit string hash of the path in base 36 (read from
/// CLI 2.1.330 and checked against its runs in `ExecutorFilesTests`).
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
        let name = String(decoding: units, as: UTF16.self)
        guard units.count > maximumNameLength else { return name }
        return String(decoding: units.prefix(maximumNameLength), as: UTF16.self) + "-" + hash(workingDirectory)
    }

    /// `h = h * 31 + unit` over the UTF-16 code units in 32-bit arithmetic, then the magnitude in base 36.
    static func hash(_ text: String) -> String {
        let value = text.utf16.reduce(Int32(0)) { ($0 &<< 5) &- $0 &+ Int32($1) }
        return String(abs(Int64(value)), radix: 36)
    }

    /// The transcript of `sessionId` run in `workingDirectory` (a real path), or nil when there is none.
    func transcript(sessionId: String, workingDirectory: String) -> String? {
        guard Self.isSessionId(sessionId) else { return nil }
        let name = Self.projectDirectoryName(workingDirectory: workingDirectory)
        return regularFile(home + "/.claude/projects/" + name + "/" + sessionId + ".jsonl")
    }

    private func regularFile(_ path: String) -> String? {
        var info = stat()
        return lstat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFREG ? path : nil
    }
}
