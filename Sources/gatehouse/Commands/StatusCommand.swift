import ArgumentParser
import Foundation
import Guard
import Ledger
import Messages
import Settings

/// `gatehouse status`: the installation at a glance, for operators: the programs on this host, the executors and
/// egress connected to the guard (from the snapshot the guard writes every 2 s), the work waiting, today's figures
/// and the latest problems (from the ledger). `--watch` redraws it.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Show what the installation is doing: programs, executors, queues, today's figures, problems.")

    @OptionGroup var database: DatabaseOptions
    @Flag(help: "Redraw every --interval seconds until interrupted.") var watch = false
    @Option(help: "Seconds between redraws with --watch.") var interval = 2

    func run() async throws {
        let path = try database.path()
        let ledger = try database.open()
        let store = try SQLiteStatusStore(path: path)
        repeat {
            let report = try StatusReport.gather(ledger: ledger, snapshot: try store.read(), now: OperatorClock.now())
            if watch { print("\u{1B}[H\u{1B}[2J", terminator: "") }
            print(report)
            if watch { try await Task.sleep(for: .seconds(max(1, interval))) }
        } while watch
    }
}

/// The text `gatehouse status` prints, gathered from the ledger, the guard's snapshot and this host's health files.
enum StatusReport {
    /// A snapshot older than this means the guard is not running (it writes one every 2 s).
    static let staleAfterMs: Int64 = 10_000
    static let problemEvents: Set<String> = Set(
        [AuditEventName.securityViolation, .securityAnomaly, .jobInterrupted, .limitCost, .authFailure].map(\.rawValue))

    static func gather(ledger: SQLiteLedger, snapshot: GuardStatusSnapshot?, now: EpochMillis) throws -> String {
        var lines = ["Gatehouse status at \(OperatorClock.format(now))", ""]
        lines += guardLines(snapshot, now: now)
        lines += ["", "Programs on this host (health files; `gatehouse health --role ROLE`)"]
        for role in ["guard", "ingress", "executor", "egress"] {
            let path = HealthFile.defaultPath(program: role)
            let problem = HealthFile.problem(at: path, maxAge: .seconds(10))
            lines.append("  \(pad(role, 9)) \(problem.map { "not ok: \($0)" } ?? "ok")")
        }
        let queued = try ledger.jobs(in: [.queued]).count
        let running = try ledger.jobs(in: [.dispatched, .running]).count
        let backlog = try ledger.outboxBacklog()
        let oldest = backlog.oldestCreatedAt.map { "oldest waiting \(seconds(now - $0))" } ?? "none waiting"
        let approvals = try snapshot?.approvalsPending ?? ledger.pendingApprovals().count
        lines += ["", "Work",
                  "  prompts queued \(queued), running \(running), approvals waiting \(approvals)",
                  "  replies not yet delivered \(backlog.count) (\(oldest))"]
        let midnight = now - now.rawValue % 86_400_000  // 00:00 UTC today
        let counts = try ledger.auditEventCounts(since: midnight)
        let refusals = counts.filter { AuditEventName(rawValue: $0.key).map(AuditEventName.refusals.contains) == true }
            .values.reduce(0, +)
        let security = counts.filter { AuditEventName.isSecurityEvent($0.key) }.values.reduce(0, +)
        let cost = try ledger.usageTotal(since: midnight)
        lines += ["", "Today (since 00:00 UTC)",
                  "  prompts \(counts[AuditEventName.requestAccepted.rawValue, default: 0]), finished \(counts[AuditEventName.jobFinished.rawValue, default: 0]), "
                    + "restarted \(counts[AuditEventName.jobRestarted.rawValue, default: 0]), interrupted \(counts[AuditEventName.jobInterrupted.rawValue, default: 0])",
                  "  refusals \(refusals), security events \(security), model cost $\(String(format: "%.2f", cost))"]
        let problems = try ledger.auditTail(limit: 2_000).filter { problemEvents.contains($0.event) }.suffix(5)
        lines += ["", "Latest problems" + (problems.isEmpty ? ": none" : "")]
        for record in problems {
            lines.append("  \(OperatorClock.format(record.at))  \(record.event)  \(record.text.prefix(100))")
        }
        return lines.joined(separator: "\n")
    }

    static func guardLines(_ snapshot: GuardStatusSnapshot?, now: EpochMillis) -> [String] {
        guard let snapshot else { return ["Guard: no status written yet (is it running against this database?)"] }
        let age = now - snapshot.writtenAt
        guard age <= staleAfterMs else {
            return ["Guard: NOT RUNNING: its last status is \(seconds(age)) old (instance \(snapshot.instanceId))"]
        }
        var lines = ["Guard: running since \(OperatorClock.format(snapshot.startedAt)) (instance \(snapshot.instanceId))", ""]
        lines.append("Executors: \(snapshot.executors.count) connected" + (snapshot.executors.isEmpty ? "; prompts wait until one is" : ""))
        if !snapshot.executors.isEmpty {
            lines.append("  \(pad("ID", 24)) \(pad("HOST", 16)) \(pad("KEY", 17)) \(pad("SANDBOX", 11)) \(pad("SLOTS", 6)) JOBS")
            for executor in snapshot.executors {
                let jobs = executor.jobs.map { String($0.prefix(8)) }.joined(separator: " ")
                lines.append("  \(pad(executor.id, 24)) \(pad(executor.host, 16)) \(pad(executor.keyFingerprint ?? "(ipc)", 17)) "
                    + "\(pad(executor.confinement, 11)) \(pad("\(executor.jobs.count)/\(executor.capacity)", 6)) \(jobs.isEmpty ? "-" : jobs)")
            }
        }
        lines.append("Egress: \(snapshot.egress.count) connected" + (snapshot.egress.isEmpty ? "; replies wait until one is" : ""))
        for egress in snapshot.egress {
            lines.append("  \(pad(egress.id, 24)) sending \(egress.inFlight) of \(egress.capacity)")
        }
        return lines
    }

    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }

    static func seconds(_ ms: Int64) -> String {
        ms < 120_000 ? "\(ms / 1000) s" : ms < 7_200_000 ? "\(ms / 60_000) min" : "\(ms / 3_600_000) h"
    }
}
