import ArgumentParser
import Foundation
import TestSupport

/// Resident memory of each program while idle, after a warm-up (every link connected, one prompt answered each).
struct MemoryBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "memory", abstract: "Idle resident memory of each program.")

    @Option(help: "Seconds idle after the warm-up before measuring (each program hands back memory after 3 s quiet).")
    var idle = 5

    func run() async throws { try await Self.measure(idleSeconds: idle).print() }

    /// The four programs together, shared pages divided out (the per-program VmRSS targets it replaced counted the
    /// binary and libraries the four share once in each).
    static let targetPssMB: Double = 40

    static func measure(idleSeconds: Int = 5) async throws -> BenchReport {
        var report = BenchReport(title: "Idle resident memory (VmRSS from /proc/<pid>/status)")
        try await BenchCluster.with(try BenchCluster.options()) { cluster in
            try await Task.sleep(for: .seconds(idleSeconds))
            report.notes = [
                "after one answered prompt per allowed user, then \(idleSeconds) s idle; executor without its CLI children; VmHWM is the peak so far.",
                "VmRSS counts in full the pages of the binary and libraries that all four programs share (clean, file-backed);",
                "RssAnon is each program's own memory, Pss shares the common pages out among the processes using them.",
            ]
            var pss = 0
            for program in cluster.programs() {
                guard let memory = ProcessMemory.read(pid: program.pid) else { continue }
                pss += memory.proportionalKB ?? 0
                report.rows.append(BenchRow(
                    name: "\(program.name) VmRSS (VmHWM)", target: "",
                    measured: "\(megabytes(memory.residentKB)) (\(megabytes(memory.peakKB)))", met: nil))
                report.rows.append(BenchRow(
                    name: "\(program.name) RssAnon / Pss", target: "",
                    measured: "\(megabytes(memory.anonymousKB)) / \(memory.proportionalKB.map(megabytes) ?? "?")", met: nil))
            }
            report.rows.append(BenchRow(
                name: "Pss, four programs together", target: String(format: "≤ %.0f MB", targetPssMB), measured: megabytes(pss),
                met: Double(pss) / 1024 <= targetPssMB))
        }
        return report
    }
}
