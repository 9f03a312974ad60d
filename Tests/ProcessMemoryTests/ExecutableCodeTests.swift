import Foundation
import ProcessMemory
import Testing

@Suite struct ExecutableCodeTests {
    @Test func onlyTheExecutablesOwnCodeMappingsAreChosen() {
        let maps = """
            55d0c0000000-55d0c1000000 r--p 00000000 fd:01 1234      /opt/gatehouse/bin/gatehouse
            55d0c1000000-55d0c4000000 r-xp 01000000 fd:01 1234      /opt/gatehouse/bin/gatehouse
            55d0c4000000-55d0c5000000 r--p 04000000 fd:01 1234      /opt/gatehouse/bin/gatehouse
            55d0c5000000-55d0c5100000 rw-p 05000000 fd:01 1234      /opt/gatehouse/bin/gatehouse
            55d0c5100000-55d0c5200000 rw-p 00000000 00:00 0
            7f0000000000-7f0000100000 r-xp 00000000 fd:01 99        /usr/lib/x86_64-linux-gnu/libc.so.6
            7f0000200000-7f0000300000 r-xp 00000000 fd:01 1234      /opt/gatehouse/bin/gatehouse-old
            7ffd00000000-7ffd00021000 rw-p 00000000 00:00 0         [stack]
            """
        let ranges = ExecutableCode.ranges(inMaps: maps, executable: "/opt/gatehouse/bin/gatehouse")
        #expect(ranges == [.init(start: 0x55d0_c100_0000, end: 0x55d0_c400_0000)])
        #expect(ranges.first?.bytes == 0x300_0000)
    }

    @Test func pathsWithSpacesAreMatchedWhole() {
        let maps = "1000-2000 r-xp 00000000 fd:01 7      /srv/my apps/gatehouse\n"
        #expect(ExecutableCode.ranges(inMaps: maps, executable: "/srv/my apps/gatehouse").count == 1)
        #expect(ExecutableCode.ranges(inMaps: maps, executable: "/srv/my").isEmpty)
    }

    #if os(Linux)
    /// The real thing, on this test process: its code pages leave its resident set, and it keeps running.
    @Test func droppingTheCodePagesShrinksTheResidentSetAndTheProcessRunsOn() throws {
        let before = try residentCodeKB()
        try #require(before > 256, "the test runner should have run more than 256 KB of its own code")
        let advised = ExecutableCode.dropResidentPages()
        let after = try residentCodeKB()
        #expect(advised > 0)
        #expect(after < before / 2, "resident code \(before) KB → \(after) KB")
        // Code runs again after the drop (faulted back in from the file).
        #expect(ExecutableCode.ranges(inMaps: "1-2 r-xp 0 0 0 /x", executable: "/x").count == 1)
    }

    /// Rss of this process's executable's r-xp mappings, from /proc/self/smaps.
    private func residentCodeKB() throws -> Int {
        let executable = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        let smaps = try String(contentsOfFile: "/proc/self/smaps", encoding: .utf8)
        var inCode = false
        var total = 0
        for line in smaps.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            if let first = fields.first, first.contains("-"), fields.count >= 5, !first.hasSuffix(":") {
                inCode = fields.count == 6 && fields[1] == "r-xp" && String(fields[5]) == executable
            } else if inCode, fields.first == "Rss:", fields.count >= 2, let kb = Int(fields[1]) {
                total += kb
            }
        }
        return total
    }
    #endif
}
