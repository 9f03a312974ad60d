import Logging
import Messages

/// Sends the receiver's refusal counts to the guard, at most once per `interval`, so a flood of bad requests costs
/// the guard one message a second however large it is. What could not be sent is counted again in the next report.
struct RefusalReporter: Sendable {
    let tally: SharedRefusalTally
    let interval: Duration
    let logger: Logger
    let send: @Sendable (WebhookRefusals) async throws -> Void

    /// Reports until cancelled (the service sends the last report itself, while the link is still up).
    func run() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            if Task.isCancelled { return }
            await reportNow()
        }
    }

    func reportNow() async {
        guard let report = tally.drain() else { return }
        let total = report.counts.reduce(0) { $0 + $1.count }
        do {
            try await send(report)
            logger.info("reported refused webhook requests to the guard", metadata: [
                "webhook.refused": "\(total)",
                "webhook.reasons": "\(report.counts.map { "\($0.hook)/\($0.reason)=\($0.count)" }.joined(separator: ","))",
            ])
        } catch {
            tally.absorb(report)
            logger.warning("could not report refused webhook requests; will include them in the next report", metadata: [
                "webhook.refused": "\(total)", "error": "\(error)",
            ])
        }
    }
}
