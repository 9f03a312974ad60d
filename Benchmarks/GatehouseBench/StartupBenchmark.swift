import ArgumentParser
import Foundation
import Logging
import Messages
import TestSupport
import Transport

/// How fast each program is ready, and how fast `gatehouse up` accepts its first update.
/// A program is ready when it talks on its link: the guard answers a heartbeat on its intake endpoint; ingress,
/// executor and egress send their first message to a guard this benchmark plays.
struct StartupBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "startup", abstract: "Start-up times.")

    @Option(help: "Starts per program (the median is reported).") var runs = 5

    func run() async throws { try await Self.measure(runs: runs).print() }

    static func measure(runs: Int) async throws -> BenchReport {
        var report = BenchReport(title: "Start-up (release binary, median of \(runs) starts)")
        report.notes = [
            "guard: spawn → answers a heartbeat on intake; ingress, executor, egress: spawn → first message to the guard (played by the benchmark).",
            "gatehouse up: spawn → the guard committed an update that was waiting at Telegram (ingress confirmed its offset).",
        ]
        let logger = Logger(label: "bench.startup")
        for role in ["guard", "ingress", "executor", "egress"] {
            var samples: [Double] = []
            for _ in 0..<runs { samples.append(try await startOnce(role, logger: logger)) }
            let median = Percentiles(samples).p50
            report.rows.append(BenchRow(name: "\(role) ready", target: "< 200 ms", measured: milliseconds(median), met: median < 200))
        }
        var upSamples: [Double] = []
        for _ in 0..<runs { upSamples.append(try await upOnce()) }
        let median = Percentiles(upSamples).p50
        report.rows.append(BenchRow(name: "up → first update accepted", target: "< 1000 ms", measured: milliseconds(median), met: median < 1_000))
        return report
    }

    /// Milliseconds from spawning `gatehouse <role>` until it is ready.
    static func startOnce(_ role: String, logger: Logger) async throws -> Double {
        let cluster = try await GatehouseCluster(try BenchCluster.options())
        let run = cluster.root.appendingPathComponent("run").path
        try FileManager.default.createDirectory(atPath: run, withIntermediateDirectories: true)
        let endpoints = ["intake", "work", "delivery"].map { "ipc://\(run)/\($0).sock" }
        let context = try ZMQContext()
        let link = ["ingress": 0, "executor": 1, "egress": 2][role]
        // Play the guard on the program's link (bound before the program starts, as a running guard would be).
        let router = try link.map { try RouterSocket(context: context, bind: [endpoints[$0]], logger: logger) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try BuildProducts.gatehouse())
        process.arguments = [role, "--intake", endpoints[0], "--work", endpoints[1], "--delivery", endpoints[2]]
        process.environment = cluster.environment
        process.currentDirectoryURL = cluster.root
        process.standardError = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        let start = ContinuousClock.now
        try process.run()
        var ready: ContinuousClock.Instant?
        if let router {
            for await _ in router.messages {
                ready = .now
                break
            }
            await router.close()
        } else if await poll(timeout: .seconds(10), every: .milliseconds(1), { FileManager.default.fileExists(atPath: "\(run)/intake.sock") }) {
            // Play ingress: connect once the guard has bound its intake, and wait for the answer to a heartbeat.
            let dealer = try DealerSocket(context: context, connect: endpoints[0], logger: logger)
            try await dealer.send(try WireCodec.encode(Heartbeat(senderId: "bench", sentAt: Date().epochMillis)))
            for await _ in dealer.messages {
                ready = .now
                break
            }
            await dealer.close()
        }
        process.terminate()
        process.waitUntilExit()
        await context.terminate()
        await cluster.stop()
        guard let ready else { throw HarnessError("\(role) never became ready") }
        return BenchClock.seconds(ready - start) * 1_000
    }

    /// Milliseconds from spawning `gatehouse up` until the first update is committed.
    static func upOnce() async throws -> Double {
        let cluster = try await GatehouseCluster(try BenchCluster.options())
        let waiting = cluster.telegram.enqueueMessage(from: BenchCluster.allowedUsers[0], text: "/help")
        let start = ContinuousClock.now
        try cluster.start()
        let accepted = await poll(timeout: .seconds(10), every: .milliseconds(1)) { cluster.telegram.confirmedOffset > waiting }
        let elapsed = BenchClock.seconds(ContinuousClock.now - start) * 1_000
        await cluster.stop()
        guard accepted else { throw HarnessError("gatehouse up accepted no update within 10 s") }
        return elapsed
    }
}
