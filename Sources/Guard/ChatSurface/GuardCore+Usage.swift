import Foundation
import Ledger
import Messages

/// `/cost`: what requests cost over the rolling 24 hours the limits use, from the CLI's own `total_cost_usd`.
extension GuardCore {
    func showCosts(_ request: CommandRequest, changes: inout LedgerChanges, now: EpochMillis) throws {
        let entries = try recentCosts(now: now)
        let limits = configuration.access.costLimits
        let totals = limits.summary(entries: entries, now: now)
        let mine = entries.filter { $0.userId == request.userId }
        var lines = ["Last 24 hours: \(ReplyTexts.dollars(totals[request.userId] ?? 0)) over \(mine.count) request\(mine.count == 1 ? "" : "s")."]
        if let perUser = limits.perUserDailyUsd { lines.append("Your limit: \(ReplyTexts.dollars(perUser)) per 24 hours (rolling).") }
        if let perRequest = limits.perRequestUsd { lines.append("Each request may spend up to \(ReplyTexts.dollars(perRequest)).") }
        if request.standing.isAdmin {
            let total = totals.values.reduce(0, +)
            var everyone = "Everyone: \(ReplyTexts.dollars(total))"
            if let global = limits.globalDailyUsd { everyone += " of the \(ReplyTexts.dollars(global)) daily ceiling" }
            lines.append(everyone + ".")
            for (userId, amount) in totals.sorted(by: { $0.value > $1.value }).prefix(30) {
                let runs = entries.filter { $0.userId == userId }.count
                lines.append("• \(userId): \(ReplyTexts.dollars(amount)) (\(runs) request\(runs == 1 ? "" : "s"))")
            }
        }
        changes.outbox.append(reply(lines.joined(separator: "\n"), chatId: request.chatId, threadId: nil, replyTo: request.messageId, now: now))
        changes.audit.append(AuditEvent(at: now, userId: request.userId, event: .command, detail: "/cost"))
    }
}
