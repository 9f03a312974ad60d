import Foundation
import Messages

/// Answers the guard's questions about files (`work.files`): list, stat, read, transcript. Blocking disk work;
/// `FileRequestService` runs it off the message loop.
struct FileRequestHandler: Sendable {
    let workspaces: WorkspaceGuard
    /// The HOME the CLI runs with: its transcripts are under `.claude/projects`.
    let claudeHome: String

    /// Transcript lines above this (the CLI's stored API requests) are skipped rather than parsed.
    static let maximumTranscriptLineLength = 4 * 1024 * 1024

    func answer(_ request: FileRequest) -> FileResult {
        // A person's private root may not exist yet (nothing made it so far): their first `/ls` or `/cd` makes it.
        workspaces.createPersonalRoot(for: request.path)
        var result = FileResult(requestId: request.requestId)
        do throws(FileOperationError) {
            switch request.operation {
            case .list:
                let listing = try DirectoryListing(workspaces: workspaces).list(request.path)
                result.entries = listing.entries
                result.message = listing.message
            case .stat:
                result.isDirectory = try isDirectory(request.path)
            case .read:
                result.data = try FileReader(workspaces: workspaces).read(request.path, maxBytes: request.maxBytes)
            case .transcript:
                let (transcript, skipped) = try read(transcriptOf: request.sessionId ?? "", in: request.path)
                let limit = min(max(request.maxBytes ?? FileReader.defaultLimit, 0), FileReader.defaultLimit)
                if request.transcriptFormat == .json {
                    result.data = transcript.renderJSON(
                        sessionId: request.sessionId ?? "", workspace: request.path, skippedLines: skipped, maxBytes: limit)
                } else {
                    let markdown = transcript.render(sessionId: request.sessionId ?? "", workspace: request.path, skippedLines: skipped)
                    result.data = Self.utf8Prefix(markdown, maxBytes: limit)
                    if markdown.utf8.count > limit { result.message = "the transcript was cut at \(limit) bytes" }
                }
            case .git, .project:
                // Answered by `GitInspector`, which runs git: `FileRequestService` sends them there.
                throw .badRequest("not a disk question")
            }
        } catch {
            result.error = error.code
            result.message = error.message
        }
        return result
    }

    private func isDirectory(_ relative: String) throws(FileOperationError) -> Bool {
        let real = try workspaces.resolve(relative)
        var info = stat()
        guard stat(real, &info) == 0 else { throw .notFound(relative) }
        return info.st_mode & S_IFMT == S_IFDIR
    }

    /// The session's transcript, read (and redacted) into a `TranscriptMarkdown`, with how many lines were too long.
    private func read(transcriptOf sessionId: String, in relative: String) throws(FileOperationError) -> (TranscriptMarkdown, Int) {
        guard TranscriptLocator.isSessionId(sessionId) else { throw .badRequest("that is not a session id") }
        guard try isDirectory(relative) else { throw .notADirectory(relative) }
        let real = try workspaces.resolve(relative)
        guard let file = TranscriptLocator(home: claudeHome).transcript(sessionId: sessionId, workingDirectory: real),
              let handle = FileHandle(forReadingAtPath: file)
        else { throw .noTranscript("no transcript of that session is stored on this host for this directory") }
        defer { try? handle.close() }
        var markdown = TranscriptMarkdown(workingDirectory: real)
        var reader = JSONLinesReader(maximumLineLength: Self.maximumTranscriptLineLength)
        do {
            try reader.forEachLine(in: handle) { markdown.add(line: $0) }
        } catch {
            throw .unreadable("the transcript")
        }
        return (markdown, reader.skippedLines)
    }

    /// At most `maxBytes` of the text's UTF-8, never ending inside a character.
    static func utf8Prefix(_ text: String, maxBytes: Int) -> Data {
        var bytes = Array(text.utf8.prefix(maxBytes))
        guard bytes.count < text.utf8.count else { return Data(bytes) }
        // A character cut in two: drop its lead byte and the continuation bytes that made it past the cut.
        if let lead = bytes.lastIndex(where: { $0 & 0xC0 != 0x80 }), bytes[lead] >= 0xC0 {
            let length = bytes[lead] >= 0xF0 ? 4 : bytes[lead] >= 0xE0 ? 3 : 2
            if bytes.count - lead < length { bytes.removeSubrange(lead...) }
        }
        return Data(bytes)
    }
}
