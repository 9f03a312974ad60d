import Ledger
import Messages

/// An intake update decided but not yet stored: what to store for it, the messages to peers it causes, and whether
/// queued jobs and the outbox need a look once it is stored.
struct DecidedUpdate: Sendable {
    let update: InboundUpdate
    let changes: LedgerChanges
    let effects: [Outbound]
    let followUp: Bool

    /// Nothing to send and nothing stored that another update's decision reads: it may wait for a group commit.
    var mayWait: Bool { effects.isEmpty && !followUp && changes.storesOnlyUpdateAndAudit }
}
