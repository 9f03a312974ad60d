import ArgumentParser
import Foundation
import TestSupport

/// Resident memory of each program while idle, after a warm-up (every link connected, one prompt answered each).
struct MemoryBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "memory", abstract: "Idle resident memory of each program.")

    func run() async throws { try await Self.measure().print() }

    static let targetsMB: [String: Double] = ["ingress": 20, "egress": 20, "guard": 30, "executor": 25]

    static func measure() async throws -> BenchReport {
        var report = BenchReport(title: "Idle resident memory (VmRSS from /proc/<pid>/status)")
        try await BenchCluster.with(try BenchCluster.options()) { cluster in
            try await Task.sleep(for: .seconds(3))
            report.notes = [
                "after one answered prompt per allowed user, then 3 s idle; executor without its CLI children; VmHWM is the peak so far.",
                "VmRSS counts in full the pages of the binary and libraries that all four programs share (clean, file-backed);",
                "RssAnon is each program's own memory, Pss shares the common pages out among the processes using them.",
            ]
            for program in cluster.programs() {
                guard let memory = ProcessMemory.read(pid: program.pid) else { continue }
                let role = program.name.hasPrefix("executor") ? "executor" : program.name
                let target = targetsMB[role] ?? 0
                report.rows.append(BenchRow(
                    name: "\(program.name) VmRSS (VmHWM)", target: String(format: "< %.0f MB", target),
                    measured: "\(megabytes(memory.residentKB)) (\(megabytes(memory.peakKB)))",
                    met: Double(memory.residentKB) / 1024 < target))
                report.rows.append(BenchRow(
                    name: "\(program.name) RssAnon / Pss", target: "",
                    measured: "\(megabytes(memory.anonymousKB)) / \(memory.proportionalKB.map(megabytes) ?? "?")", met: nil))
            }
        }
        return report
    }
}
