import ArgumentParser
import Foundation
import TestSupport

/// Many jobs of a fixed length on 1, 2 and 4 executors: the time until the last one finished against the ideal
/// (waves of `executors × slots` jobs, each wave one job long). Each job comes from its own chat, so Telegram's
/// per-chat limits never hold a reply back.
struct ScalingBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "scaling", abstract: "Throughput on 1, 2 and 4 executors.")

    @Option(help: "Jobs per run.") var jobs = 200
    @Option(help: "Seconds each job takes.") var seconds = 2.0
    @Option(help: "Executor counts to try, comma-separated.") var executors = "1,2,4"
    @Option(help: "Slots per executor.") var slots = 4

    func run() async throws {
        let sizes = executors.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        try await Self.measure(jobs: jobs, seconds: seconds, sizes: sizes, slots: slots).print()
    }

    static func measure(jobs: Int, seconds: Double, sizes: [Int], slots: Int) async throws -> BenchReport {
        var report = BenchReport(title: "Scaling: \(jobs) jobs of \(seconds) s, \(slots) slots per executor")
        report.notes = [
            "from the first update handed to ingress to the last CLI result line; ideal = ceil(jobs / (executors × slots)) × job length.",
            "fake CLI (sleeps the job length); one chat per job.",
        ]
        let users = (0..<jobs).map { FakeTelegramUser(id: 10_000 + Int64($0), firstName: "Scale\($0)") }
        for size in sizes {
            try await BenchCluster.with(try BenchCluster.options(executors: size, capacity: slots, extraUsers: users)) { cluster in
                let milliseconds = Int(seconds * 1_000)
                for (index, user) in users.enumerated() {
                    cluster.telegram.enqueueMessage(from: user, text: "job \(index) bench-sleep-ms=\(milliseconds)")
                }
                let chats = Set(users.map(\.id))
                var timings: [ReplyTiming] = []
                let waves = (jobs + size * slots - 1) / (size * slots)
                let ideal = Double(waves) * seconds
                _ = await poll(timeout: .seconds(ideal * 2 + 60), every: .milliseconds(250)) {
                    timings = ReplyTiming.collect(from: cluster.telegram, chats: chats)
                    return timings.count >= jobs
                }
                let first = timings.map(\.updateDeliveredAt).min() ?? 0
                let last = timings.map(\.cliResultAt).max() ?? 0
                let elapsed = Double(last - first) / 1_000_000
                let ratio = elapsed / ideal
                report.rows.append(BenchRow(
                    name: "\(size) executor\(size == 1 ? "" : "s") (\(timings.count)/\(jobs) done)",
                    target: String(format: "≤ %.2f s (1.15×)", ideal * 1.15),
                    measured: String(format: "%.2f s = %.3f× of %.0f s", elapsed, ratio, ideal),
                    met: timings.count == jobs && ratio <= 1.15))
            }
        }
        return report
    }
}
