import Foundation

/// Resident memory of one process from /proc/<pid>/status, in kilobytes.
struct ProcessMemory {
    /// VmRSS: resident now.
    var residentKB: Int
    /// VmHWM: the most it was ever resident.
    var peakKB: Int

    static func read(pid: Int32) -> ProcessMemory? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        func field(_ name: String) -> Int? {
            guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(name + ":") }) else { return nil }
            return line.split(separator: " ").dropFirst().first.flatMap { Int($0) }
        }
        guard let resident = field("VmRSS"), let peak = field("VmHWM") else { return nil }
        return ProcessMemory(residentKB: resident, peakKB: peak)
    }
}
