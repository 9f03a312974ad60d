import Foundation
import TestSupport
import Testing
@testable import Executor

/// The hostile archive table: each archive is refused whole, with its reason, and afterwards the folders inside
/// and outside the target hold exactly what they held before. Bombs and huge counts stop at the caps while
/// streaming, with memory bounded.
@Suite(.serialized) struct HostileArchiveTests {
    typealias Tar = ArchiveFixture.TarEntry
    typealias Zip = ArchiveFixture.ZipEntry

    /// `approved/` is the target; `outside/` and the root are what no entry may reach. The target already holds a
    /// file and a link that points out of it.
    private func withTarget(_ body: (FileTree, String) throws -> Void) throws {
        let tree = try FileTree()
        defer { tree.remove() }
        try tree.file("approved/existing.txt", "keep me")
        try tree.directory("outside")
        try tree.file("outside/secret.txt", "outside")
        try FileManager.default.createSymbolicLink(atPath: tree.path("approved/escape"), withDestinationPath: "../outside")
        try body(tree, tree.path("approved"))
    }

    /// Every path under the root with its size (links shown as links), for before/after comparison.
    private func snapshot(_ root: String) -> [String: String] {
        var found: [String: String] = [:]
        guard let walker = FileManager.default.enumerator(atPath: root) else { return found }
        while let relative = walker.nextObject() as? String {
            let path = root + "/" + relative
            var info = stat()
            lstat(path, &info)
            found[relative] = info.st_mode & S_IFMT == S_IFLNK ? "link" : "\(info.st_mode & S_IFMT) \(info.st_size)"
        }
        return found
    }

    private struct Case: CustomStringConvertible {
        var description: String
        var archive: [UInt8]
        var format: ArchiveFormat
        var code: String
    }

    private func cases() throws -> [Case] {
        let gz = ArchiveFixture.gzip
        var hundredThousand: [Tar] = []
        for index in 0..<100_000 { hundredThousand.append(Tar("f\(index).txt")) }
        // A deflate stream that runs off the end of its entry: a stored block claiming 65,535 bytes.
        let runaway = Zip(name: Array("runaway.txt".utf8), stored: [0x00, 0xFF, 0xFF, 0x00, 0x00, 1, 2, 3], method: 8, declaredSize: 100, mode: 0o100644)
        var lyingZip = try Zip.file("small.txt", String(repeating: "a", count: 1 << 20), deflate: true)
        lyingZip.declaredSize = 100
        return [
            Case(description: "../ entry", archive: ArchiveFixture.tar([Tar("../evil.txt", content: "x")]), format: .tar, code: "escapes"),
            Case(description: "absolute name", archive: ArchiveFixture.tar([Tar("/tmp/evil.txt", content: "x")]), format: .tar, code: "absolute"),
            Case(description: "a/../../x", archive: ArchiveFixture.zip([try .file("a/../../x", "x")]), format: .zip, code: "escapes"),
            Case(description: "Windows ..\\ separators", archive: ArchiveFixture.zip([try .file("..\\evil.txt", "x")]), format: .zip, code: "bad_name"),
            Case(description: "drive letter", archive: ArchiveFixture.zip([try .file("C:/evil.txt", "x")]), format: .zip, code: "absolute"),
            Case(description: "tar symlink then a file through it",
                 archive: ArchiveFixture.tar([Tar("ln", type: "2", linkName: "../outside"), Tar("ln/evil.txt", content: "x")]), format: .tar, code: "link"),
            Case(description: "zip symlink then a file through it",
                 archive: ArchiveFixture.zip([.symlink("ln", to: "../outside"), try .file("ln/evil.txt", "x")]), format: .zip, code: "link"),
            Case(description: "hard link", archive: ArchiveFixture.tar([Tar("passwd", type: "1", linkName: "/etc/passwd")]), format: .tar, code: "link"),
            Case(description: "character device", archive: ArchiveFixture.tar([Tar("null", type: "3")]), format: .tar, code: "special_file"),
            Case(description: "fifo", archive: ArchiveFixture.tar([Tar("pipe", type: "6")]), format: .tar, code: "special_file"),
            Case(description: "duplicate names", archive: ArchiveFixture.tar([Tar("a.txt", content: "1"), Tar("./a.txt", content: "2")]), format: .tar, code: "duplicate"),
            Case(description: "file then folder of the same name", archive: ArchiveFixture.tar([Tar("a", content: "1"), Tar("a/b.txt", content: "2")]), format: .tar, code: "duplicate"),
            Case(description: "name colliding with an existing file (after a new one was written)",
                 archive: ArchiveFixture.tar([Tar("fresh/new.txt", content: "new"), Tar("existing.txt", content: "overwritten")]), format: .tar, code: "exists"),
            Case(description: "a folder that is a link already in the target",
                 archive: ArchiveFixture.tar([Tar("fresh.txt", content: "new"), Tar("escape/evil.txt", content: "x")]), format: .tar, code: "escapes"),
            Case(description: "NUL in a zip name", archive: ArchiveFixture.zip([Zip(name: Array("a\u{0}b.txt".utf8), stored: [1], method: 0, declaredSize: 1, mode: 0o100644)]), format: .zip, code: "bad_name"),
            Case(description: "control character in a tar name", archive: ArchiveFixture.tar([Tar("bad\u{1B}[2Jname.txt", content: "x")]), format: .tar, code: "bad_name"),
            Case(description: "not UTF-8", archive: ArchiveFixture.tar([Tar(rawName: [0x66, 0xFF, 0xFE])]), format: .tar, code: "bad_name"),
            Case(description: ".claude settings", archive: ArchiveFixture.tar([Tar(".claude/settings.json", content: "{}")]), format: .tar, code: "reserved"),
            Case(description: ".git hooks", archive: ArchiveFixture.zip([try .file("repo/.git/hooks/pre-commit", "x")]), format: .zip, code: "reserved"),
            Case(description: "a .env file", archive: ArchiveFixture.tar([Tar("app/.env", content: "KEY=1")]), format: .tar, code: "secret"),
            Case(description: "100,000 tiny entries", archive: try gz(ArchiveFixture.tar(hundredThousand)), format: .tarGzip, code: "too_many_entries"),
            Case(description: "tar header claims fewer bytes than follow",
                 archive: ArchiveFixture.tar([Tar("a.txt", content: String(repeating: "x", count: 1_500), claimedSize: 10)]), format: .tar, code: "corrupt"),
            Case(description: "tar header claims a gigabyte it does not have",
                 archive: ArchiveFixture.tar([Tar("a.txt", content: "short", claimedSize: 1 << 30)]), format: .tar, code: "corrupt"),
            Case(description: "zip entry inflating past its declared size", archive: ArchiveFixture.zip([lyingZip]), format: .zip, code: "size_mismatch"),
            Case(description: "deflate stream running off its entry", archive: ArchiveFixture.zip([runaway, try .file("b.txt", "b")]), format: .zip, code: "corrupt"),
            Case(description: "entries sharing their data", archive: ArchiveFixture.zip([try .file("a.txt", "aaaa"), try .file("b.txt", "aaaa")], shareData: true), format: .zip, code: "corrupt"),
            Case(description: "truncated gzip", archive: Array(try gz(ArchiveFixture.tar([Tar("a.txt", content: String(repeating: "y", count: 5_000))])).prefix(40)), format: .tarGzip, code: "corrupt"),
            Case(description: "garbage", archive: Array("this is not an archive at all".utf8), format: .zip, code: "corrupt"),
        ]
    }

    static func refusal(_ body: () throws(ArchiveRefusal) -> Void) -> ArchiveRefusal? {
        do throws(ArchiveRefusal) { try body() } catch { return error }
        return nil
    }

    @Test func everyHostileArchiveIsRefusedWholeAndNothingChanges() throws {
        for hostile in try cases() {
            try withTarget { tree, target in
                let before = snapshot(tree.root)
                let refusal = Self.refusal { () throws(ArchiveRefusal) in
                    _ = try ArchiveUnpacker.unpack(hostile.archive, named: "x", format: hostile.format, into: target)
                }
                #expect(refusal?.code == hostile.code, "\(hostile): \(refusal.map { "\($0)" } ?? "unpacked")")
                #expect(refusal?.reason.isEmpty == false)
                #expect(snapshot(tree.root) == before, "\(hostile) changed the disk")
                #expect((try? String(contentsOfFile: target + "/existing.txt", encoding: .utf8)) == "keep me")
            }
        }
    }

    /// A 10 GiB gzip bomb (about 10 MB) stops at the 200 MB cap while streaming; the process's peak memory grows
    /// by far less than what was inflated, and nothing is written.
    @Test func aTenGigabyteBombStopsAtTheCapWithMemoryBounded() throws {
        let bomb = try ArchiveFixture.gzipZeroBomb(gigabytes: 10)
        #expect(bomb.count < 12 << 20)
        try withTarget { tree, target in
            let before = snapshot(tree.root)
            let baseline = try PeakMemory.resetAndRead()
            let started = ContinuousClock.now
            let refusal = Self.refusal { () throws(ArchiveRefusal) in
                _ = try ArchiveUnpacker.unpack(bomb, named: "bomb.tar.gz", format: .tarGzip, into: target)
            }
            #expect(refusal?.code == "too_large")
            let peak = try PeakMemory.read()
            print("bomb: \(bomb.count) bytes compressed, refused after \(ContinuousClock.now - started), peak RSS +\((peak - baseline) >> 20) MiB")
            #expect(peak - baseline < 64 << 20, "peak RSS grew by \((peak - baseline) >> 20) MiB")
            #expect(snapshot(tree.root) == before)
        }
    }

    /// A small bomb is refused by the ratio: 1 MB unpacking to a gigabyte passes 100 times its size first. One
    /// whose header claims 4 KB unpacks those 4 KB: the zeros after them read as tar's end marker, and nothing
    /// past it is inflated.
    @Test func aSmallBombIsRefusedByItsRatio() throws {
        let bomb = try ArchiveFixture.gzipZeroBomb(gigabytes: 1, claimedSize: 4096)
        try withTarget { _, target in
            let started = ContinuousClock.now
            let unpacked = try ArchiveUnpacker.unpack(bomb, named: "bomb.tar.gz", format: .tarGzip, into: target)
            #expect(unpacked.files == ["zeros.bin"] && unpacked.bytes == 4096)
            #expect(ContinuousClock.now - started < .seconds(2))
            let honest = try ArchiveFixture.gzipZeroBomb(gigabytes: 1)
            let refusal = Self.refusal { () throws(ArchiveRefusal) in
                _ = try ArchiveUnpacker.unpack(honest, named: "bomb.tar.gz", format: .tarGzip, into: target)
            }
            #expect(refusal?.code == "ratio")
        }
    }
}

/// The process's peak resident memory (VmHWM), which writing 5 to clear_refs starts over from the current size.
enum PeakMemory {
    static func resetAndRead() throws -> Int {
        try "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
        return try read()
    }

    static func read() throws -> Int {
        let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") } ?? ""
        return (Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) * 1024
    }
}
