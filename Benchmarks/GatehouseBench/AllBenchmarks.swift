import ArgumentParser
import Foundation

/// Every benchmark with the issue's numbers, one table each, and the machine they ran on.
struct AllBenchmarks: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "all", abstract: "Run every benchmark (about 5 minutes).")

    func run() async throws {
        print(Self.machine())
        var reports: [BenchReport] = []
        func show(_ report: BenchReport) {
            report.print()
            reports.append(report)
        }
        show(try await StartupBenchmark.measure(runs: 5))
        show(try await MemoryBenchmark.measure())
        show(try await PipelineBenchmark.measure(prompts: 200, gapMs: 150, thinkMs: 0))
        show(try await FloodBenchmark.measure(updates: 20_000, strangers: 5_000, offered: 10_000, allowedEveryMs: 1_000))
        show(try await ScalingBenchmark.measure(jobs: 200, seconds: 2, sizes: [1, 2, 4], slots: 4))
        show(try await ToolCallBenchmark.measure(prompts: 40, calls: 10, gapMs: 150))
        show(try ConfineBenchmark.measure(runs: 200))
        show(try await WebhookFloodBenchmark.measure(requests: 20_000, connections: 8, allowedEveryMs: 1_000))
        let missed = reports.reduce(0) { $0 + $1.missed }
        print("\n\(missed == 0 ? "all targets met" : "\(missed) target(s) missed")")
        if missed > 0 { throw ExitCode(1) }
    }

    /// CPU model, cores and memory, from /proc.
    static func machine() -> String {
        let cpu = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?
            .split(separator: "\n").first { $0.hasPrefix("model name") }?
            .split(separator: ":", maxSplits: 1).last?.trimmingCharacters(in: .whitespaces) ?? "unknown CPU"
        let memory = (try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8))?
            .split(separator: "\n").first { $0.hasPrefix("MemTotal") }?
            .split(separator: " ").dropFirst().first.flatMap { Double($0) }.map { String(format: "%.1f GB", $0 / 1_048_576) } ?? "?"
        return "machine: \(cpu), \(ProcessInfo.processInfo.activeProcessorCount) cores, \(memory) RAM, \(ProcessInfo.processInfo.operatingSystemVersionString)"
    }
}
