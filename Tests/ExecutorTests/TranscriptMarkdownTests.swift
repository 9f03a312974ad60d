import Foundation
import Messages
import Testing
@testable import Executor

/// Turning a real CLI transcript into Markdown, finding it where the CLI stores it, and refusing anything that is
/// not a session id.
@Suite struct TranscriptMarkdownTests {
    static let sessionId = "7630bdc7-9868-4301-aa61-77253dca57e5"

    static func render(_ jsonl: String, maximumLineLength: Int = 1 << 20) throws -> String {
        var markdown = TranscriptMarkdown(workingDirectory: TranscriptFixture.workingDirectory)
        var reader = JSONLinesReader(maximumLineLength: maximumLineLength)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("transcript-\(UUID().uuidString).jsonl")
        try Data(jsonl.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let handle = try FileHandle(forReadingFrom: file)
        defer { try? handle.close() }
        try reader.forEachLine(in: handle) { markdown.add(line: $0) }
        return markdown.render(sessionId: sessionId, workspace: "work", skippedLines: reader.skippedLines)
    }

    @Test func realTranscriptBecomesPromptsAnswersAndOneLinePerTool() throws {
        let markdown = try Self.render(TranscriptFixture.jsonl)
        #expect(markdown == """
            # Write my notes to notes.txt

            _Session `7630bdc7-9868-4301-aa61-77253dca57e5` in `work`, started 2026-11-22T03:22:22.156Z_

            ## You

            Write my notes to notes.txt
            with a second line

            ## Claude

            - **Write**: `notes.txt`

            I wrote **notes.txt** for you.

            ## You

            now show nope.txt

            ## Claude

            - **Bash**: `cat nope.txt`
              - failed: Exit code 1 · cat: nope.txt: No such file or directory

            The file does not exist.

            """)
        // The Write's content held an API key; tool input other than the path never reaches the export.
        #expect(!markdown.contains("sk-ant"))
    }

    @Test func sideConversationsMetaLinesRemindersAndBrokenLinesAreLeftOut() throws {
        let lines = [
            #"{"type":"user","message":{"role":"user","content":"the real question"},"timestamp":"t1"}"#,
            #"{"type":"user","isMeta":true,"message":{"role":"user","content":"meta caveat"}}"#,
            #"{"type":"assistant","isSidechain":true,"message":{"content":[{"type":"text","text":"sub-agent chatter"}]}}"#,
            #"{"type":"user","message":{"content":[{"type":"text","text":"<system-reminder>x</system-reminder>"},{"type":"image","source":{}}]}}"#,
            #"{"type":"assistant","message":{"content":[{"type":"thinking","thinking":"hidden"},{"type":"text","text":"answer with token sk-ant-api03-ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"}]}}"#,
            "{not json",
            #"{"type":"summary","summary":"ignored"}"#,
        ]
        let markdown = try Self.render(lines.joined(separator: "\n"))
        #expect(markdown.contains("## You\n\nthe real question\n\n_(an image)_\n\n## Claude\n\nanswer with token "))
        for absent in ["meta caveat", "sub-agent chatter", "system-reminder", "hidden", "ignored", "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"] {
            #expect(!markdown.contains(absent), "\(absent)")
        }
    }

    @Test func oversizedLinesAreSkippedAndCounted() throws {
        let huge = #"{"type":"api-request-blob","message":""# + String(repeating: "x", count: 5_000) + #""}"#
        let markdown = try Self.render(
            [#"{"type":"user","message":{"content":"before"}}"#, huge, #"{"type":"user","message":{"content":"after"}}"#]
                .joined(separator: "\n"),
            maximumLineLength: 1_000)
        #expect(markdown.contains("_(1 oversized entries left out)_"))
        #expect(markdown.contains("before\n\nafter"))
    }

    @Test func sessionIdsMustBeUUIDs() {
        #expect(TranscriptLocator.isSessionId(Self.sessionId))
        #expect(TranscriptLocator.isSessionId("7630BDC7-9868-4301-AA61-77253DCA57E5"))
        for bad in ["", "../../etc/passwd", "7630bdc7-9868-4301-aa61-77253dca57e5/../x", "7630bdc7_9868_4301_aa61_77253dca57e5",
                    "7630bdc7-9868-4301-aa61-77253dca57e", "g630bdc7-9868-4301-aa61-77253dca57e5", "٧630bdc7-9868-4301-aa61-77253dca57e5"] {
            #expect(!TranscriptLocator.isSessionId(bad), "\(bad)")
        }
    }

    @Test func projectFolderNameFollowsTheCLI() {
        #expect(TranscriptLocator.projectDirectoryName(workingDirectory: "/srv/projects/work") == "-srv-projects-work")
        #expect(TranscriptLocator.projectDirectoryName(workingDirectory: "/a.b_c d-é") == "-a-b-c-d--")
        // UTF-16 code units, as JavaScript counts them: an emoji outside the BMP is two.
        #expect(TranscriptLocator.projectDirectoryName(workingDirectory: "/x😀") == "-x--")
    }

    @Test func storedTranscriptIsFoundAndExportedThroughTheHandler() throws {
        let tree = try FileTree()
        defer { tree.remove() }
        try tree.directory("approved/work")
        let real = try #require(WorkspaceGuard.realPath(tree.path("approved/work")))
        let folder = ".claude/projects/" + TranscriptLocator.projectDirectoryName(workingDirectory: real)
        try tree.file("home/\(folder)/\(Self.sessionId).jsonl", TranscriptFixture.jsonl)
        let handler = FileRequestHandler(workspaces: try tree.workspaces(), claudeHome: tree.path("home"))

        let result = handler.answer(FileRequest(requestId: "t", operation: .transcript, path: "work", sessionId: Self.sessionId))
        #expect(result.error == nil)
        let markdown = String(decoding: try #require(result.data), as: UTF8.self)
        #expect(markdown.hasPrefix("# Write my notes to notes.txt\n"))

        let cut = handler.answer(FileRequest(
            requestId: "t", operation: .transcript, path: "work", sessionId: Self.sessionId, maxBytes: 100))
        #expect(cut.data?.count ?? 0 <= 100)
        #expect(cut.message == "the transcript was cut at 100 bytes")

        let elsewhere = handler.answer(FileRequest(requestId: "t", operation: .transcript, path: "", sessionId: Self.sessionId))
        #expect(elsewhere.error == "no_transcript")
        let unknown = handler.answer(FileRequest(
            requestId: "t", operation: .transcript, path: "work", sessionId: "00000000-0000-4000-8000-000000000000"))
        #expect(unknown.error == "no_transcript")
        let injected = handler.answer(FileRequest(requestId: "t", operation: .transcript, path: "work", sessionId: "../../x"))
        #expect(injected.error == "bad_request")
        let missing = handler.answer(FileRequest(requestId: "t", operation: .transcript, path: "work", sessionId: nil))
        #expect(missing.error == "bad_request")
    }

    @Test func longWorkingDirectoriesGetTheCutNameAndTheHashOfThePath() {
        let path = "/" + String(repeating: "a", count: 250)
        let name = TranscriptLocator.projectDirectoryName(workingDirectory: path)
        #expect(name.hasPrefix("-" + String(repeating: "a", count: 199) + "-"))
        // 31-based string hash of "/" + 250 × "a" in 32-bit arithmetic (computed independently in Python).
        #expect(name.dropFirst(201) == "feo44x")
        #expect(TranscriptLocator.hash("") == "0")
        #expect(TranscriptLocator.hash("a") == "2p")
    }

    @Test func utf8CutNeverSplitsACharacter() {
        #expect(FileRequestHandler.utf8Prefix("aé", maxBytes: 2) == Data("a".utf8))
        #expect(FileRequestHandler.utf8Prefix("aé", maxBytes: 3) == Data("aé".utf8))
        #expect(FileRequestHandler.utf8Prefix("a😀b", maxBytes: 4) == Data("a".utf8))
        #expect(FileRequestHandler.utf8Prefix("a😀b", maxBytes: 5) == Data("a😀".utf8))
        #expect(FileRequestHandler.utf8Prefix("éé", maxBytes: 2) == Data("é".utf8))
    }

    @Test func theSameConversationAsJSONKeepsTheNewestEntriesWhenTooBig() throws {
        var transcript = TranscriptMarkdown(workingDirectory: TranscriptFixture.workingDirectory)
        for line in TranscriptFixture.jsonl.split(separator: "\n") { transcript.add(line: Data(line.utf8)) }
        let full = try JSONDecoder().decode(
            TranscriptExport.self, from: transcript.renderJSON(sessionId: Self.sessionId, workspace: "work", skippedLines: 0, maxBytes: 1 << 20))
        #expect(full.entries.first == .init(role: "person", kind: "text", text: "Write my notes to notes.txt\nwith a second line"))
        #expect(full.entries.contains(.init(role: "claude", kind: "tool", text: "Write: notes.txt")), "\(full.entries)")
        #expect(full.title == "Write my notes to notes.txt" && full.directory == "work" && full.omittedEntries == 0)
        let small = transcript.renderJSON(sessionId: Self.sessionId, workspace: "work", skippedLines: 0, maxBytes: 600)
        let cut = try JSONDecoder().decode(TranscriptExport.self, from: small)
        #expect(small.count <= 600 && cut.omittedEntries > 0 && cut.entries.last == full.entries.last)
    }
}
