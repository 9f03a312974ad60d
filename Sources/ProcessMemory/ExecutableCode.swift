#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// The address ranges of this program's own machine code (`r-xp` mappings of its executable file).
///
/// Every program of Gatehouse runs from the one `gatehouse` binary. What a process touches while it starts (the
/// runtime, argument parsing, every library's set-up) stays mapped afterwards, and the kernel maps file pages in
/// 64 KB runs around each one touched: idle, each program kept 20–25 MB of the binary's code resident, most of it
/// never run again. Those pages are clean and read-only, so dropping them from this process is safe at any moment:
/// what runs later is faulted back in from the page cache, as after the kernel's own reclaim.
public enum ExecutableCode {
    public struct Range: Sendable, Equatable {
        public var start: UInt
        public var end: UInt
        public var bytes: UInt { end - start }

        public init(start: UInt, end: UInt) {
            self.start = start
            self.end = end
        }
    }

    /// The executable's code mappings listed in `maps` (the text of `/proc/self/maps`). Only read-only executable
    /// mappings of `executable` itself: never data, relocated (RELRO) or anonymous memory, whose contents would be lost.
    public static func ranges(inMaps maps: String, executable: String) -> [Range] {
        var ranges: [Range] = []
        for line in maps.split(separator: "\n") {
            let fields = line.split(separator: " ", maxSplits: 5, omittingEmptySubsequences: true)
            guard fields.count == 6, fields[1] == "r-xp",
                fields[5].trimmingLeadingSpaces == executable
            else { continue }
            let bounds = fields[0].split(separator: "-")
            guard bounds.count == 2, let start = UInt(bounds[0], radix: 16), let end = UInt(bounds[1], radix: 16), end > start
            else { continue }
            ranges.append(Range(start: start, end: end))
        }
        return ranges
    }

    /// Drops this process's mappings of its own code pages; returns how many bytes of address space were advised.
    @discardableResult
    public static func dropResidentPages() -> UInt {
        #if os(Linux)
        guard let executable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"),
              let maps = try? String(contentsOfFile: "/proc/self/maps", encoding: .utf8)
        else { return 0 }
        var advised: UInt = 0
        for range in ranges(inMaps: maps, executable: executable) {
            guard let start = UnsafeMutableRawPointer(bitPattern: range.start) else { continue }
            if madvise(start, Int(range.bytes), MADV_DONTNEED) == 0 { advised += range.bytes }
        }
        return advised
        #else
        return 0
        #endif
    }
}

extension Substring {
    fileprivate var trimmingLeadingSpaces: Substring { drop(while: { $0 == " " }) }
}
