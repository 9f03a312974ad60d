import Messages

/// How one Telegram call of a delivery is paced: its priority, and the key by which it replaces (or is replaced by)
/// other calls of the same job. The rule that matters to the person: an answer never waits behind progress.
/// - The status message and its edits are progress under the job's key, so the job's answer drops them while they
///   still wait for a token (a status message nobody saw is not worth the answer's token).
/// - The answer (and any other final delivery of the job) is final under the job's key.
/// - The removal of a status message that was shown is progress without a key: it goes after every answer waiting
///   in that chat, only when the chat's bucket is full (so it never takes a token an answer needs), and nothing
///   drops it (the answer that caused it comes before it, and a dropped removal would leave "working…" forever).
/// - Other deletions (a message that held a token) and final edits are final.
public struct DeliveryPacing: Sendable, Equatable {
    public var priority: PacedPriority
    public var coalesceKey: String?

    public init(priority: PacedPriority, coalesceKey: String?) {
        self.priority = priority
        self.coalesceKey = coalesceKey
    }

    public static func of(_ delivery: Delivery) -> DeliveryPacing {
        let key = delivery.jobId.map { "job-\($0)" }
        let progress = delivery.priority == .progress
        switch delivery.kind {
        case .deleteMessage:
            return progress ? DeliveryPacing(priority: .progress, coalesceKey: nil) : DeliveryPacing(priority: .final, coalesceKey: key)
        case .editMessage:
            return progress ? DeliveryPacing(priority: .progress, coalesceKey: key) : DeliveryPacing(priority: .final, coalesceKey: nil)
        case .message, .document, .photo, .chatAction, .answerCallback:
            return DeliveryPacing(priority: progress ? .progress : .final, coalesceKey: key)
        }
    }
}
