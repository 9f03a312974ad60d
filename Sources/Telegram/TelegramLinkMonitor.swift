import Foundation
import Logging
import Messages
import Settings
import Synchronization

/// Keeps a program's `TelegramReachability` up to date from its calls, says in the log once per outage what is
/// wrong (a refused token in plain words), puts it in the health file, and says when Telegram works again.
public final class TelegramLinkMonitor: Sendable {
    private let state = Mutex(TelegramReachability())
    private let health: HealthSignal?
    private let logger: Logger

    public init(health: HealthSignal?, logger: Logger) {
        self.health = health
        self.logger = logger
    }

    public var reachability: TelegramReachability { state.withLock { $0 } }

    /// A call worked.
    public func succeeded(now: EpochMillis = Date().epochMillis) {
        guard let downMs = state.withLock({ $0.succeeded(now: now) }) else { return }
        health?.report(problem: nil, from: "telegram")
        logger.notice("Telegram works again", metadata: ["down.ms": "\(downMs)"])
    }

    /// A call failed.
    public func failed(_ error: TelegramError, now: EpochMillis = Date().epochMillis) {
        let (isNew, reachability) = state.withLock { state in (state.failed(error, now: now), state) }
        if isNew {
            if reachability.tokenRefused {
                logger.error("\(TelegramReachability.tokenRefusedText(error.code))", metadata: ["error": "\(error)"])
            } else {
                logger.warning("Telegram calls fail; retrying with backoff", metadata: ["error": "\(error)"])
            }
        }
        health?.report(problem: reachability.problem(now: now), from: "telegram")
    }
}
