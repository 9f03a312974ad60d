import Messages

/// Who is told that prompts wait because no executor can take them: each waiting person once, about a second after
/// their prompt, and the admins once per outage, and again when it ends. An outage younger than 2 s is no outage
/// yet: an executor killed outright is back by then under `gatehouse up` (its restarted job says so itself).
/// Pure state: the guard feeds it the time, whether any executor can take work, and the queued jobs.
public struct ExecutorOutage: Sendable {
    public struct Notices: Sendable, Equatable {
        /// Jobs whose person is told now that their prompt waits.
        public var waitingJobs: [String] = []
        /// Admins are told now that no executor is connected, with how many prompts wait.
        public var outageStarted: Int?
        /// Admins are told now that executors are back (they had been told of the outage).
        public var outageEnded = false

        public var isEmpty: Bool { waitingJobs.isEmpty && outageStarted == nil && !outageEnded }

        public init(waitingJobs: [String] = [], outageStarted: Int? = nil, outageEnded: Bool = false) {
            self.waitingJobs = waitingJobs
            self.outageStarted = outageStarted
            self.outageEnded = outageEnded
        }
    }

    public struct QueuedJob: Sendable {
        public var id: String
        public var queuedAt: EpochMillis

        public init(id: String, queuedAt: EpochMillis) {
            self.id = id
            self.queuedAt = queuedAt
        }
    }

    /// How long a prompt waits before its person hears why (well within the 2 s a person tolerates in silence).
    public static let patienceMs: Int64 = 1_000
    /// How long no executor must have been available before anyone is told.
    public static let outageMs: Int64 = 2_000

    private var since: EpochMillis?
    private var told: Set<String> = []
    private var adminsTold = false

    public init() {}

    public mutating func review(now: EpochMillis, executorAvailable: Bool, queued: [QueuedJob]) -> Notices {
        var notices = Notices()
        guard !executorAvailable else {
            since = nil
            told = []
            if adminsTold {
                adminsTold = false
                notices.outageEnded = true
            }
            return notices
        }
        let start = since ?? now
        since = start
        guard now - start >= Self.outageMs else { return notices }
        let waiting = queued.filter { now - $0.queuedAt >= Self.patienceMs }
        notices.waitingJobs = waiting.map(\.id).filter { !told.contains($0) }
        told.formUnion(notices.waitingJobs)
        told.formIntersection(queued.map(\.id))  // forget jobs no longer queued
        if !adminsTold, !waiting.isEmpty {
            adminsTold = true
            notices.outageStarted = queued.count
        }
        return notices
    }
}
