import CZeroMQ
import Logging

/// Logs monitor events: security-relevant handshake failures at warning (at most one line per kind per 10 s, with
/// a count of the suppressed ones, since a misconfigured peer retries every reconnect interval), other handshake
/// failures at info, the rest at debug.
struct MonitorEventLog {
    let logger: Logger
    private var lastWarning: [UInt16: ContinuousClock.Instant] = [:]
    private var suppressed: [UInt16: Int] = [:]
    private static let warningInterval: Duration = .seconds(10)

    init(logger: Logger) { self.logger = logger }

    mutating func record(_ event: MonitorEvent) {
        guard event.isSecurityRelevantFailure else {
            let level: Logger.Level = Int32(event.event) == ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL ? .info : .debug
            logger.log(level: level, "zmq \(event.name)", metadata: [
                "zmq.endpoint": "\(event.endpoint)", "zmq.detail": "\(event.detail)",
            ])
            return
        }
        let now = ContinuousClock.now
        if let last = lastWarning[event.event], last.duration(to: now) < Self.warningInterval {
            suppressed[event.event, default: 0] += 1
            return
        }
        lastWarning[event.event] = now
        let repeats = suppressed.removeValue(forKey: event.event) ?? 0
        logger.warning("zmq \(event.name)", metadata: [
            "zmq.endpoint": "\(event.endpoint)",
            "zmq.detail": "\(event.detail)",
            "zmq.suppressed": "\(repeats)",
        ])
    }
}
