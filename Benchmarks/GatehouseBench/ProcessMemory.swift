import Foundation

/// Resident memory of one process from /proc/<pid>/status and smaps_rollup, in kilobytes.
struct ProcessMemory {
    /// VmRSS: resident now, counting every shared page (binary, libraries) in full.
    var residentKB: Int
    /// VmHWM: the most it was ever resident.
    var peakKB: Int
    /// RssAnon: the process's own memory (heap, stacks, written pages), which no other process shares.
    var anonymousKB: Int
    /// Pss: resident memory with each shared page divided among the processes sharing it.
    var proportionalKB: Int?
    /// Pss of the process's own pages (heap, stacks) and of file-backed pages (the binary, libraries), apart.
    var proportionalAnonKB: Int?
    var proportionalFileKB: Int?

    static func read(pid: Int32) -> ProcessMemory? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        let rollup = (try? String(contentsOfFile: "/proc/\(pid)/smaps_rollup", encoding: .utf8)) ?? ""
        guard let resident = field("VmRSS", in: status), let peak = field("VmHWM", in: status),
              let anonymous = field("RssAnon", in: status) else { return nil }
        return ProcessMemory(
            residentKB: resident, peakKB: peak, anonymousKB: anonymous, proportionalKB: field("Pss", in: rollup),
            proportionalAnonKB: field("Pss_Anon", in: rollup), proportionalFileKB: field("Pss_File", in: rollup))
    }

    private static func field(_ name: String, in text: String) -> Int? {
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(name + ":") }) else { return nil }
        return line.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first.flatMap { Int($0) }
    }
}
