import Foundation
import Messages

/// The executors the guard knows, their free slots and liveness. Pure state: the guard feeds it what it hears
/// and the time, and it answers who should get the next job. Dispatch goes to the executor idle the longest among
/// those with a free slot (jobs last seconds to many minutes, so blind round-robin would pile work on busy ones).
public struct ExecutorPool: Sendable {
    public struct Member: Sendable, Equatable {
        public var executorId: String
        /// The transport routing id of its current connection.
        public var peer: Data
        public var host: String
        public var capacity: Int
        public var jobs: Set<String>
        public var lastSeen: EpochMillis
        public var lastAssignedAt: EpochMillis
        public var processId: String?
        /// How it confines its CLIs, as it said on registering (`ExecutorReady.confinement`: "landlock 7", or "off"
        /// when its operator opted out, which `/status` says). Only a confined executor's jobs get the policy's
        /// allowances for ordinary work inside the workspace.
        public var confinement: String = "unknown"

        public var confined: Bool { confinement.hasPrefix("landlock") }

        public var freeSlots: Int { max(0, capacity - jobs.count) }
    }

    public private(set) var members: [String: Member] = [:]
    /// Jobs an executor confirmed taking (in memory: after a restart, READY says which jobs each executor holds).
    /// A job handed out and not accepted in time is dispatched again; an accepted one never is.
    public private(set) var accepted: Set<String> = []

    public init() {}

    /// Registers (or re-registers) an executor. A re-registration by the same process keeps the jobs handed to it
    /// meanwhile (its READY may predate them). Returns whether this is the same process as before.
    @discardableResult
    public mutating func register(
        executorId: String, peer: Data, host: String, capacity: Int, runningJobIds: [String], processId: String? = nil,
        confinement: String? = nil, now: EpochMillis
    ) -> Bool {
        let previous = members[executorId]
        let sameProcess = previous != nil && processId != nil && previous?.processId == processId
        let jobs = Set(runningJobIds).union(sameProcess ? previous?.jobs ?? [] : [])
        members[executorId] = Member(
            executorId: executorId, peer: peer, host: host, capacity: max(0, capacity), jobs: jobs, lastSeen: now,
            lastAssignedAt: previous?.lastAssignedAt ?? 0, processId: processId, confinement: confinement ?? "unknown")
        accepted.formUnion(runningJobIds)
        return sameProcess
    }

    /// Notes a sign of life. Returns false if no registered executor uses that connection.
    @discardableResult
    public mutating func touch(peer: Data, now: EpochMillis) -> Bool {
        guard let id = executorId(forPeer: peer) else { return false }
        members[id]?.lastSeen = now
        return true
    }

    /// No more jobs for this executor until it registers again (e.g. it refuses the guard's signatures).
    public mutating func suspend(executorId: String) {
        members[executorId]?.capacity = 0
    }

    public func executorId(forPeer peer: Data) -> String? {
        members.values.first(where: { $0.peer == peer })?.executorId
    }

    /// The executor that should run the next job: `preferred` if it is here and has a free slot, otherwise the
    /// one idle longest with a free slot. With `requirePreferred`, only `preferred` will do.
    public func pick(preferred: String? = nil, requirePreferred: Bool = false) -> Member? {
        if let preferred, let member = members[preferred], member.freeSlots > 0 { return member }
        if requirePreferred { return nil }
        return members.values
            .filter { $0.freeSlots > 0 }
            .min { ($0.lastAssignedAt, $0.executorId) < ($1.lastAssignedAt, $1.executorId) }
    }

    public mutating func assign(jobId: String, to executorId: String, now: EpochMillis) {
        members[executorId]?.jobs.insert(jobId)
        members[executorId]?.lastAssignedAt = now
    }

    /// The executor confirmed taking the job: from now on it may have run.
    public mutating func accept(jobId: String) {
        accepted.insert(jobId)
    }

    public func hasAccepted(_ jobId: String) -> Bool { accepted.contains(jobId) }

    /// The job left its executor (ended, lost, refused, re-queued): its slot is free and its acceptance forgotten.
    public mutating func release(jobId: String) {
        accepted.remove(jobId)
        for id in members.keys where members[id]?.jobs.contains(jobId) == true {
            members[id]?.jobs.remove(jobId)
        }
    }

    public var totalFreeSlots: Int { members.values.reduce(0) { $0 + $1.freeSlots } }

    /// Removes the executor using that connection (its connection closed) and returns it, with the jobs it held.
    public mutating func remove(peer: Data) -> Member? {
        guard let id = executorId(forPeer: peer) else { return nil }
        return members.removeValue(forKey: id)
    }

    /// Removes executors silent for longer than `timeout` and returns them (with the jobs they held).
    public mutating func expire(now: EpochMillis, timeout: Int64) -> [Member] {
        let dead = members.values.filter { now - $0.lastSeen > timeout }
        for member in dead { members[member.executorId] = nil }
        return dead.sorted { $0.executorId < $1.executorId }
    }
}
