/// Whether the follow-up of an intake batch (dispatching its new jobs, which starts a CLI on an executor) waits a
/// moment after the batch's answer has left. It does when that answer sends egress something — a new job's
/// `typing`, in it or sent ahead of the batch's commit — so that on a small machine the dispatch's commit and the executor's work do not compete with egress for
/// the CPU while the person's first sign of life is on its way (measured on two cores: egress's part of the way
/// 1.10 → 0.85 ms median, the guard's follow-up having used 0.7 ms of CPU inside it). The CLI then starts that much
/// later, against its own start-up of several hundred milliseconds.
public enum FollowUpHold {
    public static func applies(to answer: [Outbound], sentAhead: Bool = false) -> Bool {
        sentAhead || answer.contains { $0.link == .delivery }
    }
}
