import Messages

/// Replies held because Telegram as a whole fails (egress marks such retries with `DeliveryResult.outage`): since
/// when, why, and which replies waited, so that the guard can say so in its log and health file and tell admins
/// once Telegram works again. Pure: fed with delivery results and the time.
struct DeliveryOutage: Sendable, Equatable {
    var since: EpochMillis
    var kind: DeliveryResult.Outage
    /// Replies that were handed back during it (ids), all still in the outbox.
    var held: Set<String> = []

    /// Notes one result. Returns the outage as it stands afterwards, and whether this result started it (or changed
    /// its kind), for one log line per outage rather than one per reply.
    static func noting(
        _ result: DeliveryResult, during current: DeliveryOutage?, now: EpochMillis
    ) -> (outage: DeliveryOutage?, started: Bool) {
        guard result.status == .retry, let kind = result.outage else { return (current, false) }
        var outage = current ?? DeliveryOutage(since: now, kind: kind)
        let started = current == nil || current?.kind != kind
        outage.kind = kind
        outage.held.insert(result.deliveryId)
        return (outage, started)
    }

    /// Words for operators: the log and the health file.
    func problem(now: EpochMillis) -> String {
        let seconds = max(0, now - since) / 1000
        switch kind {
        case .tokenRefused:
            return "Telegram refuses the bot token (401) for \(seconds) s: TELEGRAM_BOT_TOKEN is wrong or was revoked; "
                + "\(held.count) replies are kept until it works"
        case .unreachable:
            return "Telegram unreachable for \(seconds) s; \(held.count) replies are kept and retried"
        }
    }
}
