/// What of an intake batch's answer waits a moment, and whether its follow-up (dispatching its new jobs, which
/// starts a CLI on an executor) does. Both wait when the batch sent egress something — a new job's `typing`, in the
/// answer or ahead of the batch's commit — so that on a small machine nothing else competes with egress for the CPU
/// while the person's first sign of life is on its way:
/// - the dispatch's commit and the executor's work (measured on two cores: egress's part of the way 1.10 → 0.85 ms
///   median, the guard's follow-up having used 0.7 ms of CPU inside it);
/// - the acknowledgements to ingress, each of which makes ingress ask Telegram for the next updates (with the typing
///   sent ahead of the commit, ingress and the Telegram stand-in used 0.43 ms of CPU inside egress's part).
/// The CLI then starts that much later, against its own start-up of several hundred milliseconds, and ingress asks
/// for the next updates that much later; the acknowledgements still follow the commit, as they must.
public enum FollowUpHold {
    public static func applies(to answer: [Outbound], sentAhead: Bool = false) -> Bool {
        sentAhead || answer.contains { $0.link == .delivery }
    }

    /// A held answer split into what leaves now and what leaves with the follow-up, after the hold.
    public static func split(_ answer: [Outbound]) -> (now: [Outbound], held: [Outbound]) {
        (answer.filter { $0.link != .intake }, answer.filter { $0.link == .intake })
    }
}
