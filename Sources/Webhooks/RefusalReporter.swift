import Foundation
import Logging
import Messages
import ServiceLifecycle
import Settings
import Synchronization

/// Sends the receiver's refusal counts to the guard, at most once per `interval`, so a flood of bad requests costs
/// the guard one message a second however large it is. A report is sent again every interval until the guard
/// acknowledges it (it audits each report once, by its id), so counts are not lost with a guard that crashed or
/// restarted; what is refused meanwhile waits in the tally for the next report.
final class RefusalReporter: Service, CustomStringConvertible {
    var description: String { "refusal reporter" }

    private let tally: SharedRefusalTally
    private let interval: Duration
    private let logger: Logger
    private let send: @Sendable (WebhookRefusals) async throws -> Void
    /// The report on its way, until acknowledged.
    private let pending = Mutex<WebhookRefusals?>(nil)

    init(tally: SharedRefusalTally, interval: Duration, logger: Logger, send: @escaping @Sendable (WebhookRefusals) async throws -> Void) {
        self.tally = tally
        self.interval = interval
        self.logger = logger
        self.send = send
    }

    /// Reports every `interval`; on graceful shutdown, once more and stops. It starts after the guard connection and
    /// the acknowledgement reader and before the HTTP server, so its last report goes out after the server answered
    /// its last request and while the link is still up.
    func run() async {
        await Periodic.run(every: interval) { await reportNow() }
        if Task.isShuttingDownGracefully, !Task.isCancelled { await reportNow() }
    }

    /// Sends the unacknowledged report again, or else a new one of what was refused since.
    func reportNow() async {
        let report: WebhookRefusals? = pending.withLock { pending in
            if pending == nil, var fresh = tally.drain() {
                fresh.reportId = UUID().uuidString.lowercased()
                pending = fresh
            }
            return pending
        }
        guard let report else { return }
        let total = report.counts.reduce(0) { $0 + $1.count }
        do {
            try await send(report)
            logger.info("reported refused webhook requests to the guard", metadata: [
                "webhook.refused": "\(total)",
                "webhook.reasons": "\(report.counts.map { "\($0.hook)/\($0.reason)=\($0.count)" }.joined(separator: ","))",
            ])
        } catch {
            logger.warning("could not report refused webhook requests; will send the report again", metadata: [
                "webhook.refused": "\(total)", "error": "\(error)",
            ])
        }
    }

    /// The guard has audited the report with this id.
    func acknowledged(reportId: String) {
        pending.withLock { pending in
            if pending?.reportId == reportId { pending = nil }
        }
    }
}
