import Synchronization

/// Lets exactly one report of a job's result through: the early one on success, or the one at the end.
final class ReportedOnce: Sendable {
    private let taken = Atomic<Bool>(false)

    func claim() -> Bool { !taken.exchange(true, ordering: .acquiringAndReleasing) }
}
