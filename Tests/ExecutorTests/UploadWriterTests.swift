import Foundation
import Messages
import Synchronization
import Testing
@testable import Executor

/// Saving uploads into a workspace: never over an existing file, never through a symlink, never outside, all or
/// nothing; and the note that tells Claude where the files are.
@Suite struct UploadWriterTests {
    private func withWorkspace(_ body: (FileTree, String) throws -> Void) throws {
        let tree = try FileTree()
        defer { tree.remove() }
        try body(tree, tree.path("approved"))
    }

    private func file(_ name: String, _ content: String = "content", image: Bool = false) -> JobFile {
        JobFile(name: name, data: Data(content.utf8), isImage: image)
    }

    @Test func savesUnderItsOwnNameWithMode0644() throws {
        try withWorkspace { tree, workspace in
            let saved = try UploadWriter.save([file("report.pdf", "%PDF-1.7")], into: workspace)
            #expect(saved == [.init(requested: "report.pdf", saved: "report.pdf", isImage: false)])
            #expect(try String(contentsOfFile: workspace + "/report.pdf", encoding: .utf8) == "%PDF-1.7")
            let mode = try FileManager.default.attributesOfItem(atPath: workspace + "/report.pdf")[.posixPermissions] as? Int
            #expect(mode == 0o644)
        }
    }

    @Test func takenNamesGetTheNextFreeNumberBeforeTheExtension() throws {
        try withWorkspace { tree, workspace in
            for taken in ["report.pdf", "report-2.pdf", "Makefile", "archive.tar.gz", ".bashrc", "notes."] {
                try tree.file("approved/" + taken, "old")
            }
            let saved = try UploadWriter.save(
                [file("report.pdf"), file("Makefile"), file("archive.tar.gz"), file(".bashrc"), file("notes."),
                 file("photo.jpg", image: true), file("photo.jpg", image: true)],
                into: workspace)
            #expect(saved.map(\.saved) == ["report-3.pdf", "Makefile-2", "archive.tar-2.gz", ".bashrc-2", "notes.-2",
                                           "photo.jpg", "photo-2.jpg"])
            for taken in ["report.pdf", "report-2.pdf", "Makefile", "archive.tar.gz", ".bashrc", "notes."] {
                #expect(try String(contentsOfFile: workspace + "/" + taken, encoding: .utf8) == "old", "\(taken)")
            }
        }
    }

    @Test func anExistingSymlinkIsNeverWrittenThrough() throws {
        try withWorkspace { tree, workspace in
            try tree.directory("outside")
            try tree.symlink("approved/data.csv", to: tree.path("outside/planted.csv"))
            let saved = try UploadWriter.save([file("data.csv", "a,b")], into: workspace)
            #expect(saved.first?.saved == "data-2.csv")
            #expect(!FileManager.default.fileExists(atPath: tree.path("outside/planted.csv")))
        }
    }

    @Test func concurrentWritersOfTheSameNameEachGetTheirOwnFile() throws {
        try withWorkspace { _, workspace in
            let writers = 16
            let names = Mutex<[Int: String]>([:])
            DispatchQueue.concurrentPerform(iterations: writers) { index in
                let saved = try? UploadWriter.save([file("same.txt", "writer \(index)")], into: workspace)
                names.withLock { $0[index] = saved?.first?.saved }
            }
            let byWriter = names.withLock { $0 }
            #expect(byWriter.count == writers)
            #expect(Set(byWriter.values).count == writers, "no two writers got the same file")
            #expect(Set(byWriter.values) == Set(["same.txt"] + (2...writers).map { "same-\($0).txt" }))
            for (index, name) in byWriter {
                let content = try String(contentsOfFile: workspace + "/" + name, encoding: .utf8)
                #expect(content == "writer \(index)")
            }
        }
    }

    @Test func namesThatArePathsAreRefusedAndNothingIsWritten() throws {
        try withWorkspace { tree, workspace in
            for bad in ["../escape.txt", "a/b.txt", "/etc/passwd", "", ".", "..", "nul\u{0}.txt", String(repeating: "n", count: 256)] {
                #expect(throws: UploadWriter.Failure.self, "\(bad)") {
                    try UploadWriter.save([file("fine.txt"), file(bad)], into: workspace)
                }
            }
            let left = try FileManager.default.contentsOfDirectory(atPath: workspace)
            #expect(left.isEmpty)
            #expect(!FileManager.default.fileExists(atPath: tree.path("escape.txt")))
        }
    }

    @Test func uploadsOverTheTotalLimitAreRefusedWhole() throws {
        try withWorkspace { _, workspace in
            let half = Data(count: UploadWriter.totalLimit / 2 + 1)
            #expect(throws: UploadWriter.Failure(code: "too_large", message: "the uploads are \(half.count * 2) bytes; the limit is \(UploadWriter.totalLimit)")) {
                try UploadWriter.save([JobFile(name: "a.bin", data: half, isImage: false), JobFile(name: "b.bin", data: half, isImage: false)],
                                      into: workspace)
            }
            let left = try FileManager.default.contentsOfDirectory(atPath: workspace)
            #expect(left.isEmpty)
        }
    }

    @Test func aLaterFailureRemovesTheFilesSavedBeforeIt() throws {
        try withWorkspace { tree, workspace in
            // 255 bytes: taken, and no numbered variant fits in a file name.
            let longest = String(repeating: "l", count: 251) + ".txt"
            try tree.file("approved/" + longest, "old")
            #expect(throws: UploadWriter.Failure.self) {
                try UploadWriter.save([file("first.txt"), file(longest)], into: workspace)
            }
            #expect(try FileManager.default.contentsOfDirectory(atPath: workspace) == [longest])
        }
    }

    @Test func theNoteNamesEveryFileAndAsksClaudeToLookAtImages() {
        #expect(UploadWriter.note(for: []) == "")
        #expect(UploadWriter.note(for: [.init(requested: "a.txt", saved: "a.txt", isImage: false)])
            == "\n\n[Files the user sent are saved in the current directory: a.txt.]")
        #expect(UploadWriter.note(for: [
            .init(requested: "report.pdf", saved: "report-2.pdf", isImage: false),
            .init(requested: "photo.jpg", saved: "photo.jpg", isImage: true),
            .init(requested: "photo.jpg", saved: "photo-2.jpg", isImage: true),
        ]) == "\n\n[Files the user sent are saved in the current directory: report.pdf (saved as report-2.pdf because "
            + "report.pdf existed), photo.jpg, photo.jpg (saved as photo-2.jpg because photo.jpg existed). "
            + "Look at the image file(s) with the Read tool: photo.jpg, photo-2.jpg.]")
    }
}
