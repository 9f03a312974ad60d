import ArgumentParser
import Foundation
import Guard
import Logging
import Messages
import Settings

/// The guard's decision core alone, with its real SQLite ledger and no sockets: strangers' updates handed straight
/// to `GuardCore.receive`. Shows what one refusal costs the guard, and gives profilers (callgrind) a repeatable run.
struct IntakeCoreBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "intake-core", abstract: "Refusals through the guard core alone (for profiling).")

    @Option(help: "Updates from strangers.") var updates = 5_000
    @Option(help: "Distinct strangers.") var strangers = 1_000

    func run() async throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .warning
            return handler
        }
        let directory = "/tmp/ghb-core-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let configuration = GuardConfiguration(
            endpoints: .init(intake: "ipc://unused-i", work: "ipc://unused-w", delivery: "ipc://unused-d"),
            databasePath: "\(directory)/gatehouse.sqlite", approvedDirectory: directory, allowedUsers: [1_001])
        let ledger = try SQLiteLedger(path: configuration.databasePath)
        let core = GuardCore(configuration: configuration, ledger: ledger, clock: SystemWallClock(), logger: Logger(label: "bench.guard"))
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
            acks += await core.receive(link: .intake, peer: ingress, frames: message).filter { $0.link == .intake }.count
        }
        let seconds = BenchClock.seconds(ContinuousClock.now - start)
        print(String(format: "%d updates, %d acknowledged, %.2f s: %.0f updates/s, %.0f µs each",
                     updates, acks, seconds, Double(updates) / seconds, seconds * 1e6 / Double(updates)))
    }
}
