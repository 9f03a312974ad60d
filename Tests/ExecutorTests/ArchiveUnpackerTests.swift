import Foundation
import TestSupport
import Testing
@testable import Executor

/// Archives that are fine: unpacked in place with their folders, next to what the folder already holds; the
/// planner's path rules on their own; and the notes for the person and Claude.
@Suite struct ArchiveUnpackerTests {
    typealias Tar = ArchiveFixture.TarEntry

    @Test func zipWithStoredAndDeflatedEntriesUnpacksIntoItsFolders() throws {
        let tree = try FileTree()
        defer { tree.remove() }
        try tree.file("approved/src/old.swift", "old")
        let archive = ArchiveFixture.zip([
            try .file("README.md", "# Project\n"),
            try .file("src/main.swift", String(repeating: "print(1)\n", count: 500), deflate: true),
            try .file("docs/", ""), try .file("empty.txt", ""),
        ])
        let unpacked = try ArchiveUnpacker.unpack(archive, named: "project.zip", format: .zip, into: tree.path("approved"))
        #expect(unpacked.files == ["README.md", "src/main.swift", "empty.txt"])
        #expect(unpacked.directories == ["docs"])
        #expect(try String(contentsOfFile: tree.path("approved/src/main.swift"), encoding: .utf8) == String(repeating: "print(1)\n", count: 500))
        #expect(try String(contentsOfFile: tree.path("approved/src/old.swift"), encoding: .utf8) == "old")
        #expect(FileManager.default.fileExists(atPath: tree.path("approved/empty.txt")))
        let mode = try FileManager.default.attributesOfItem(atPath: tree.path("approved/README.md"))[.posixPermissions] as? Int
        #expect(mode == 0o644)
    }

    @Test func tarGzWithPaxAndLongNamesUnpacks() throws {
        let tree = try FileTree()
        defer { tree.remove() }
        let long = String(repeating: "d", count: 120) + "/file.txt"
        let pax = "\(" path=\(long)\n".utf8.count + 3) path=\(long)\n"
        let archive = try ArchiveFixture.gzip(ArchiveFixture.tar([
            Tar("pax", type: "x", content: pax), Tar("ignored-short-name", content: "long one"),
            Tar("dir/", type: "5"), Tar("./dir/a.txt", content: "A"),
        ]))
        let unpacked = try ArchiveUnpacker.unpack(archive, named: "p.tgz", format: .tarGzip, into: tree.path("approved"))
        #expect(unpacked.files == [long, "dir/a.txt"])
        #expect(try String(contentsOfFile: tree.path("approved/" + long), encoding: .utf8) == "long one")
        #expect(try String(contentsOfFile: tree.path("approved/dir/a.txt"), encoding: .utf8) == "A")
    }

    @Test func plannerNormalisesHarmlessPathsAndRefusesTheRest() throws {
        func plan(_ name: String, _ kind: ArchiveEntry.Kind = .file) -> Result<[ArchivePlanner.Step], ArchiveRefusal> {
            ArchivePlanner.plan([ArchiveEntry(name: Array(name.utf8), kind: kind, size: 1)], limits: .init(), archiveBytes: 100)
        }
        #expect(try plan("./a//b.txt").get() == [.directory(["a"]), .file(["a", "b.txt"], entry: 0, size: 1)])
        #expect(plan("a/./../b").failureCode == "escapes")
        #expect(plan("D:evil").failureCode == "absolute")
        #expect(plan(String(repeating: "a/", count: 40) + "x").failureCode == "bad_name")
        #expect(plan("sub/.MCP.json").failureCode == "reserved")
        #expect(try plan("dir", .directory).get() == [.directory(["dir"])])
        var limits = ArchiveLimits()
        limits.maxTotalBytes = 10
        let big = ArchivePlanner.plan([ArchiveEntry(name: Array("a".utf8), kind: .file, size: 11)], limits: limits, archiveBytes: 1_000)
        #expect(big.failureCode == "too_large")
    }

    @Test func notesListWhatWasUnpackedShortenedPastTwentyNames() {
        let files = (1...25).map { "f\($0).txt" }
        let unpacked = ArchiveUnpacker.Unpacked(archive: "p.zip", files: files, directories: [], bytes: 2_048)
        let person = UnpackNote.person([unpacked]) ?? ""
        #expect(person.hasPrefix("Unpacked p.zip: 25 files, 2 KB — f1.txt, f2.txt"))
        #expect(person.hasSuffix("f20.txt … and 5 more."))
        #expect(UnpackNote.prompt([unpacked]).contains("f25.txt"))
        #expect(UnpackNote.refused("p.zip", ArchiveRefusal("escapes", "the entry \"../x\" uses ..")).contains("Nothing of it was written"))
    }
}

extension Result where Failure == ArchiveRefusal {
    var failureCode: String? {
        if case .failure(let refusal) = self { return refusal.code }
        return nil
    }
}
