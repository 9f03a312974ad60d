import Foundation
import Guard
import Ledger
import Logging
import Messages
import PeerKeys
import Settings

/// The guard's decision core with its real SQLite ledger in a scratch directory, and no sockets: what the
/// core-only benchmarks (`intake-core`, `job-core`) drive, so a profiler sees the guard's own work and nothing else.
struct CoreBench {
    let core: GuardCore
    let directory: String
    /// Checkpoints the ledger's log every second, as the guard's service does.
    let checkpoints: Task<Void, Never>?

    init(allowedUsers: Set<Int64>, checkpointing: Bool = true, adjust: (inout GuardConfiguration) -> Void = { _ in }) throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .warning
            return handler
        }
        directory = "/tmp/ghb-core-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var configuration = GuardConfiguration(
            endpoints: .init(intake: "ipc://unused-i", work: "ipc://unused-w", delivery: "ipc://unused-d"),
            databasePath: "\(directory)/gatehouse.sqlite", approvedDirectory: directory, allowedUsers: allowedUsers)
        adjust(&configuration)
        let ledger = try SQLiteLedger(path: configuration.databasePath, checkpointedElsewhere: true)
        core = GuardCore(configuration: configuration, ledger: ledger, clock: SystemWallClock(), logger: Logger(label: "bench.guard"))
        let checkpointer = try WALCheckpointer(path: configuration.databasePath)
        checkpoints = checkpointing ? Task { await checkpointer.run(every: .seconds(1)) { _ in } } : nil
    }

    func finish() {
        checkpoints?.cancel()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Hands one message to the core, as the guard's service does for a message off a socket.
    func send<M: WireMessage>(_ message: M, on link: GuardLink, from peer: Data) async throws -> [Outbound] {
        await core.receive(link: link, peer: peer, frames: try WireCodec.encode(message))
    }
}

extension [Outbound] {
    /// The messages of one type among those the core answered with.
    func decoded<M: WireMessage>(_: M.Type) -> [M] {
        compactMap { outbound in
            guard let envelope = try? WireCodec.envelope(of: outbound.frames), envelope.type == M.type else { return nil }
            return try? WireCodec.decode(M.self, from: envelope)
        }
    }
}
