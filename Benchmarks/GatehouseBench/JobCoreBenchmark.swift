import AccessControl
import ArgumentParser
import Foundation
import Guard
import Messages
import PeerKeys

/// Allowed users' prompts through the guard's core alone (real SQLite ledger, no sockets), each one a whole job:
/// update, assignment, acceptance, start, status message, result, reply. Times the guard's share of the pipeline's
/// two latency paths, which the `pipeline` benchmark can only see together with sockets, wake-ups and spawns, and
/// gives profilers (callgrind) a repeatable run.
struct JobCoreBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "job-core", abstract: "Whole jobs through the guard core alone (for profiling).")

    @Option(help: "Prompts, each run to its reply.") var prompts = 2_000
    @Option(help: "Milliseconds of idleness before each prompt (0: back to back, caches warm).") var gap = 0
    @Option(help: "Distinct users (and chats); each sends fewer than the anomaly detector's 30 a minute.") var users = 500
    @Option(help: "Checkpoint the log every second from a connection of its own, as the guard does (false: never).")
    var checkpointing = true

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    func run() async throws {
        let userIds = (0..<Int64(users)).map { $0 + 2_000 }
        let bench = try CoreBench(allowedUsers: Set(userIds), checkpointing: checkpointing) { configuration in
            configuration.access.rateLimit = RateLimit(requests: 1_000_000, windowSeconds: 60, burst: 1_000_000)
        }
        defer { bench.finish() }
        let ingress = Data("ingress".utf8), executor = Data("executor".utf8), egress = Data("egress".utf8)
        _ = try await bench.send(ExecutorReady(executorId: "bench-executor", host: "bench", capacity: 4, runningJobIds: []),
                                 on: .work, from: executor)
        _ = try await bench.send(EgressReady(egressId: "bench-egress", capacity: 64), on: .delivery, from: egress)

        var assignMicros: [Double] = [], replyMicros: [Double] = [], wholeMicros: [Double] = []
        var nextMessageId: Int64 = 1
        /// Egress's answer to every message delivery: sent, with a Telegram message id.
        func confirm(_ out: [Outbound]) async throws {
            for delivery in out.decoded(Delivery.self) where delivery.kind != .chatAction {
                nextMessageId += 1
                _ = try await bench.send(
                    DeliveryResult(deliveryId: delivery.deliveryId, status: .sent, telegramMessageIds: [nextMessageId]),
                    on: .delivery, from: egress)
            }
        }
        for index in 0..<prompts {
            let user = userIds[index % userIds.count]
            if gap > 0 { try await Task.sleep(for: .milliseconds(gap)) }
            let jobStart = ContinuousClock.now
            let update = InboundUpdate(
                updateId: Int64(index + 1), receivedAt: Date().epochMillis, kind: .message, sender: .init(id: user),
                chat: .init(id: user, type: "private"), messageId: Int64(index + 1), text: "timed prompt \(index)")
            let assigned = try await bench.send(update, on: .intake, from: ingress)
            assignMicros.append(BenchClock.seconds(ContinuousClock.now - jobStart) * 1e6)
            guard let job = assigned.decoded(JobAssignment.self).first else {
                throw Failure(description: "prompt \(index) was not assigned to the executor")
            }
            _ = try await bench.send(JobAccepted(jobId: job.jobId, attempt: job.attempt, accepted: true), on: .work, from: executor)
            try await confirm(try await bench.send(
                JobStarted(jobId: job.jobId, attempt: job.attempt, startedAt: Date().epochMillis), on: .work, from: executor))
            let resultAt = ContinuousClock.now
            let finished = try await bench.send(JobResult(
                jobId: job.jobId, attempt: job.attempt, outcome: .completed, text: "reply to \(index)", costUSD: 0.0001,
                sessionId: "00000000-0000-4000-8000-\(String(user).leftPadded(to: 12))", numTurns: 1,
                finishedAt: Date().epochMillis), on: .work, from: executor)
            replyMicros.append(BenchClock.seconds(ContinuousClock.now - resultAt) * 1e6)
            guard finished.decoded(Delivery.self).contains(where: { $0.kind == .message && $0.jobId == job.jobId }) else {
                throw Failure(description: "the result of prompt \(index) gave no reply")
            }
            try await confirm(finished)
            wholeMicros.append(BenchClock.seconds(ContinuousClock.now - jobStart) * 1e6)
        }
        let assign = Percentiles(assignMicros), reply = Percentiles(replyMicros), whole = Percentiles(wholeMicros)
        print("\(prompts) prompts from \(users) users, each a whole job through the guard core (SQLite ledger, no sockets):")
        print(String(format: "  update → job assignment   p50 %6.0f µs  p99 %6.0f µs", assign.p50, assign.p99))
        print(String(format: "  result → reply delivery   p50 %6.0f µs  p99 %6.0f µs", reply.p50, reply.p99))
        print(String(format: "  whole job (8 messages)    p50 %6.0f µs  p99 %6.0f µs", whole.p50, whole.p99))
    }
}

extension String {
    func leftPadded(to length: Int) -> String {
        count >= length ? self : String(repeating: "0", count: length - count) + self
    }
}
