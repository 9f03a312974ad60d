import ArgumentParser
import Foundation
import Messages

/// The guard's decision core alone, with its real SQLite ledger and no sockets: strangers' updates handed straight
/// to `GuardCore.receive`. Shows what one refusal costs the guard, and gives profilers (callgrind) a repeatable run.
struct IntakeCoreBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "intake-core", abstract: "Refusals through the guard core alone (for profiling).")

    @Option(help: "Updates from strangers.") var updates = 5_000
    @Option(help: "Distinct strangers.") var strangers = 1_000

    func run() async throws {
        let bench = try CoreBench(allowedUsers: [1_001])
        defer { bench.finish() }
        let ingress = Data("ingress".utf8)
        let frames = try (0..<updates).map { index -> [Data] in
            let user = 100_000 + Int64(index % strangers)
            return try WireCodec.encode(InboundUpdate(
                updateId: Int64(index + 1), receivedAt: Date().epochMillis, kind: .message, sender: .init(id: user),
                chat: .init(id: user, type: "private"), messageId: Int64(index + 1), text: "let me in \(index)"))
        }
        let start = ContinuousClock.now
        var acks = 0
        for message in frames {
            acks += await bench.core.receive(link: .intake, peer: ingress, frames: message).filter { $0.link == .intake }.count
        }
        let seconds = BenchClock.seconds(ContinuousClock.now - start)
        print(String(format: "%d updates, %d acknowledged, %.2f s: %.0f updates/s, %.0f µs each",
                     updates, acks, seconds, Double(updates) / seconds, seconds * 1e6 / Double(updates)))
    }
}
