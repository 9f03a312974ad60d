import ArgumentParser
import Foundation
import GRDB
import TestSupport

/// Strangers flood the bot while the allowed users keep working: every stranger's update must be refused and
/// audited quickly, the allowed users must not notice, and memory must come back down afterwards.
struct FloodBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "flood", abstract: "Strangers flood the bot.")

    @Option(help: "Updates from strangers.") var updates = 20_000
    @Option(help: "Distinct strangers.") var strangers = 5_000
    @Option(help: "Updates offered to ingress per second (above what it is expected to manage).") var offered = 10_000
    @Option(help: "Milliseconds between two allowed users' prompts (each of the 5 users prompts every 5× this, within Telegram's 1 message/s per chat for the 3 messages of a job).") var allowedEvery = 1_000

    func run() async throws {
        try await Self.measure(updates: updates, strangers: strangers, offered: offered, allowedEveryMs: allowedEvery).print()
    }

    static func measure(updates: Int, strangers: Int, offered: Int, allowedEveryMs: Int) async throws -> BenchReport {
        var report = BenchReport(title: "Flood: \(updates) updates from \(strangers) strangers, 5 allowed users prompting")
        var options = try BenchCluster.options()
        // Memory before and after the floods compared like with like: without the programs' idle release, which
        // drops code pages whenever a program turns quiet (at start-up, after a minute) and would land between them.
        options.environment["IDLE_MEMORY_RELEASE"] = "false"
        try await BenchCluster.with(options) { cluster in
            try await Task.sleep(for: .seconds(2))
            let idle = memory(of: cluster)
            let allowed = BenchCluster.allowedUsers
            let strangerUsers = (0..<strangers).map { FakeTelegramUser(id: 100_000 + Int64($0), firstName: "Stranger\($0)") }

            let first = try await flood(cluster, updates: updates, strangers: strangerUsers, offered: offered, allowedEveryMs: allowedEveryMs)
            let committed = first.committed, elapsed = first.seconds, allowedSent = first.allowedSent, startMicros = first.startMicros
            var peak = first.peak
            let rate = Double(updates) / elapsed

            // The allowed users' prompts sent during the flood, and their overhead.
            let chats = Set(allowed.map(\.id))
            var timings: [ReplyTiming] = []
            _ = await poll(timeout: .seconds(60), every: .milliseconds(500)) {
                timings = ReplyTiming.collect(from: cluster.telegram, chats: chats).filter { $0.updateDeliveredAt >= startMicros }
                return timings.count >= allowedSent
            }
            if ProcessInfo.processInfo.environment["GATEHOUSE_BENCH_TRACE"] != nil {
                for timing in timings where timing.outboundMs > 50 {
                    print("slow reply in chat \(timing.chatId): result at \(timing.cliResultAt), arrived +\(timing.replyArrivedAt - timing.cliResultAt) µs")
                    for call in cluster.telegram.calls where abs(BenchClock.micros(call.time) - timing.cliResultAt) < 1_500_000 && call.method != "getUpdates" {
                        print("   \(call.method) chat \(call["chat_id"]?.integerValue ?? 0) +\(BenchClock.micros(call.time) - timing.cliResultAt) µs")
                    }
                }
            }
            let overhead = Percentiles(timings.flatMap { [$0.inboundMs, $0.outboundMs] })
            let inbound = Percentiles(timings.map(\.inboundMs)), outbound = Percentiles(timings.map(\.outboundMs))

            let audited = try countRefusals(databasePath: cluster.databasePath, strangersFrom: 100_000)
            // Memory once the flood has passed: let the programs settle, then compare with idle. A second flood then
            // tells caches that filled once (SQLite's pages) from growth.
            try await Task.sleep(for: .seconds(5))
            let after = memory(of: cluster)
            let second = try await flood(cluster, updates: updates, strangers: strangerUsers, offered: offered, allowedEveryMs: nil)
            for (name, reading) in second.peak where reading.residentKB > (peak[name]?.residentKB ?? 0) { peak[name] = reading }
            try await Task.sleep(for: .seconds(5))
            let again = memory(of: cluster)

            report.notes = [
                "offered \(offered)/s in 10 ms ticks; rate = stranger updates / time until ingress confirmed the last one to Telegram (committed by the guard).",
                "allowed users' overhead: inbound and outbound (as in `pipeline`) of the \(timings.count) prompts sent during the flood, fake CLI.",
                "the fake Telegram runs inside this benchmark process, on the same 2 cores as the four programs.",
            ]
            report.rows = [
                BenchRow(name: "refused and audited", target: "\(updates)", measured: "\(audited)\(committed ? "" : " (timed out)")", met: audited == updates),
                BenchRow(name: "refusal rate", target: "≥ 3000/s", measured: String(format: "%.0f/s (%.2f s)", rate, elapsed), met: committed && rate >= 3_000),
                BenchRow(name: "allowed overhead p50", target: "", measured: milliseconds(overhead.p50), met: nil),
                BenchRow(name: "allowed overhead p99", target: "< 50 ms", measured: milliseconds(overhead.p99), met: overhead.p99 < 50 && timings.count == allowedSent),
                BenchRow(name: "  inbound p50 / p99", target: "", measured: "\(milliseconds(inbound.p50)) / \(milliseconds(inbound.p99))", met: nil),
                BenchRow(name: "  outbound p50 / p99", target: "", measured: "\(milliseconds(outbound.p50)) / \(milliseconds(outbound.p99))", met: nil),
                BenchRow(name: "allowed prompts answered", target: "\(allowedSent)", measured: "\(timings.count)", met: timings.count == allowedSent),
            ]
            for name in idle.keys.sorted() {
                guard let before = idle[name], let later = after[name], let last = again[name] else { continue }
                // The process's own memory must come back; VmRSS also counts, once, the code the flood ran first
                // (clean pages of the binary), which is shown but is no growth: the 2nd flood tells.
                report.rows.append(BenchRow(
                    name: "\(name) RssAnon idle→after", target: "after ≤ idle+1 MB",
                    measured: "\(megabytes(before.anonymousKB))→\(megabytes(later.anonymousKB))",
                    met: later.anonymousKB - before.anonymousKB <= 1_024))
                report.rows.append(BenchRow(
                    name: "\(name) VmRSS idle→peak→after", target: "",
                    measured: "\(megabytes(before.residentKB))→\(megabytes(peak[name]?.residentKB ?? 0))→\(megabytes(later.residentKB))",
                    met: nil))
                report.rows.append(BenchRow(
                    name: "\(name) VmRSS after a 2nd flood", target: "≤ after 1st+1 MB", measured: megabytes(last.residentKB),
                    met: last.residentKB - later.residentKB <= 1_024))
            }
        }
        return report
    }

    struct Round {
        var committed: Bool
        var seconds: Double
        var allowedSent: Int
        var startMicros: Int64
        var peak: [String: ProcessMemory]
    }

    /// Offers `updates` strangers' updates in 10 ms ticks, and (when `allowedEveryMs` is given) an allowed user's
    /// prompt that often, until every stranger's update is committed.
    static func flood(
        _ cluster: GatehouseCluster, updates: Int, strangers: [FakeTelegramUser], offered: Int, allowedEveryMs: Int?
    ) async throws -> Round {
        let allowed = BenchCluster.allowedUsers
        let perTick = max(1, offered / 100)
        var sent = 0
        var lastStrangerUpdate: Int64 = 0
        var allowedSent = 0
        let start = ContinuousClock.now
        let startMicros = BenchClock.epochMicros()
        var nextAllowed = start
        var peak: [String: ProcessMemory] = [:]
        var committedAt: ContinuousClock.Instant?
        let deadline = start + .seconds(120)
        while committedAt == nil, ContinuousClock.now < deadline {
            for _ in 0..<min(perTick, updates - sent) {
                lastStrangerUpdate = cluster.telegram.enqueueMessage(from: strangers[sent % strangers.count], text: "let me in \(sent)")
                sent += 1
            }
            if let allowedEveryMs, ContinuousClock.now >= nextAllowed {
                cluster.telegram.enqueueMessage(from: allowed[allowedSent % allowed.count], text: "flood-time prompt \(allowedSent) bench-sleep-ms=0")
                allowedSent += 1
                nextAllowed = nextAllowed + .milliseconds(allowedEveryMs)
            }
            for (name, reading) in memory(of: cluster) where reading.residentKB > (peak[name]?.residentKB ?? 0) { peak[name] = reading }
            try await Task.sleep(for: .milliseconds(10))
            if sent == updates, cluster.telegram.confirmedOffset > lastStrangerUpdate { committedAt = .now }
        }
        return Round(committed: committedAt != nil, seconds: BenchClock.seconds((committedAt ?? .now) - start),
                     allowedSent: allowedSent, startMicros: startMicros, peak: peak)
    }

    static func memory(of cluster: GatehouseCluster) -> [String: ProcessMemory] {
        var readings: [String: ProcessMemory] = [:]
        for program in cluster.programs() { readings[program.name] = ProcessMemory.read(pid: program.pid) }
        return readings
    }

    static func countRefusals(databasePath: String, strangersFrom: Int64) throws -> Int {
        var configuration = Configuration()
        configuration.readonly = true
        let database = try DatabaseQueue(path: databasePath, configuration: configuration)
        return try database.read { db in
            // The audit names people by a pseudonymous subject; the person behind it is in audit_subjects.
            try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM audit JOIN audit_subjects USING (subject)
                WHERE audit.event = 'access.denied' AND audit_subjects.userId >= ?
                """, arguments: [strangersFrom]) ?? 0
        }
    }
}
