import ArgumentParser
import Foundation
import TestSupport

/// What screening every tool call costs: the stand-in CLI asks about each call through the PreToolUse hook, as the
/// real CLI does, and times the round trip to the executor's answer (executor → guard's policy and audit → executor's
/// on-disk check → CLI). Without the hook the CLI would run a Read at once, so the whole round trip is the added cost.
struct ToolCallBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "tools", abstract: "Cost of the guard's decision on each tool call.")

    @Option(help: "Prompts to run.") var prompts = 40
    @Option(help: "Tool calls per prompt.") var calls = 10
    @Option(help: "Milliseconds between prompts.") var gap = 150

    func run() async throws { try await Self.measure(prompts: prompts, calls: calls, gapMs: gap).print() }

    static func measure(prompts: Int, calls: Int, gapMs: Int) async throws -> BenchReport {
        let users = (0..<20).map { FakeTelegramUser(id: 3_000 + Int64($0), firstName: "Tools\($0)") }
        var report = BenchReport(title: "Tool call screening (PreToolUse hook → guard → answer)")
        let chats = Set(users.map(\.id))
        try await BenchCluster.with(try BenchCluster.options(extraUsers: users)) { cluster in
            try await Task.sleep(for: .seconds(1))
            for index in 0..<prompts {
                cluster.telegram.enqueueMessage(from: users[index % users.count], text: "tool prompt \(index) bench-tools=\(calls)")
                try await Task.sleep(for: .milliseconds(gapMs))
            }
            var replies: [String] = []
            _ = await poll(timeout: .seconds(60), every: .milliseconds(200)) {
                replies = cluster.telegram.calls.compactMap { call in
                    guard call.method == "sendMessage", call.succeeded, let chat = call["chat_id"]?.integerValue, chats.contains(chat),
                          let text = call["text"]?.stringValue, text.contains("hooks=") else { return nil }
                    return text
                }
                return replies.count >= prompts
            }
            let roundTrips = replies.flatMap { text -> [Double] in
                guard let range = text.range(of: "hooks=") else { return [] }
                return text[range.upperBound...].prefix { $0.isNumber || $0 == "," }
                    .split(separator: ",").compactMap { Double($0).map { $0 / 1_000 } }
            }
            let firsts = replies.compactMap { text -> Double? in
                guard let range = text.range(of: "hooks=") else { return nil }
                return Double(text[range.upperBound...].prefix { $0.isNumber }).map { $0 / 1_000 }
            }
            let all = Percentiles(roundTrips)
            let first = Percentiles(firsts)
            report.notes = [
                "\(replies.count) of \(prompts) prompts answered, each making \(calls) Read calls inside its workspace, one prompt every \(gapMs) ms over \(users.count) chats; real gatehouse up (release), 1 executor.",
                "Each reading: the stand-in CLI writes the hook_callback → reads the executor's answer (the guard decided, audited and committed it; the executor checked the path on disk).",
                "The first call of each prompt meets caches cooled by the idle gap; the rest follow back to back, as a model's tool calls do.",
            ]
            report.rows = [
                BenchRow(name: "per tool call p50", target: "≤ 1 ms", measured: milliseconds(all.p50), met: all.p50 <= 1),
                BenchRow(name: "per tool call p99", target: "", measured: milliseconds(all.p99), met: nil),
                BenchRow(name: "first call of a prompt p50", target: "", measured: milliseconds(first.p50), met: nil),
                BenchRow(name: "tool calls timed", target: "\(prompts * calls)", measured: "\(all.count)", met: all.count == prompts * calls),
            ]
        }
        return report
    }
}
