import Foundation

/// What only the running guard knows (who is connected, what each executor runs), written to the database every
/// 2 s for `gatehouse status`; everything else that command reads from the ledger itself.
public struct GuardStatusSnapshot: Codable, Sendable, Equatable {
    public struct Executor: Codable, Sendable, Equatable {
        public var id: String
        public var host: String
        /// The CURVE key's fingerprint (as `gatehouse keys list` shows it); nil on a plaintext `ipc://` link.
        public var keyFingerprint: String?
        public var confinement: String
        public var capacity: Int
        public var jobs: [String]
        public var lastSeen: Int64
    }

    public struct Egress: Codable, Sendable, Equatable {
        public var id: String
        public var capacity: Int
        public var inFlight: Int
        public var lastSeen: Int64
    }

    public var instanceId: String
    public var startedAt: Int64
    public var writtenAt: Int64
    public var executors: [Executor]
    public var egress: [Egress]
    public var approvalsPending: Int
}

extension GuardCore {
    /// The connected programs as the guard sees them now. `keys` maps an executor's connection to its key's
    /// fingerprint (the transport knows it, the core does not).
    public func statusSnapshot(keys: [Data: String]) -> GuardStatusSnapshot {
        let executors = executors.members.values.sorted { $0.executorId < $1.executorId }.map { member in
            GuardStatusSnapshot.Executor(
                id: member.executorId, host: member.host, keyFingerprint: keys[member.peer],
                confinement: member.confinement, capacity: member.capacity,
                jobs: member.jobs.sorted(), lastSeen: member.lastSeen)
        }
        let egress = egress.members.values.sorted { $0.egressId < $1.egressId }.map { member in
            GuardStatusSnapshot.Egress(
                id: member.egressId, capacity: member.capacity,
                inFlight: deliveries.load[member.peer] ?? 0, lastSeen: member.lastSeen)
        }
        return GuardStatusSnapshot(
            instanceId: instanceId, startedAt: startedAt, writtenAt: clock.now(), executors: executors, egress: egress,
            approvalsPending: approvals.count)
    }
}
