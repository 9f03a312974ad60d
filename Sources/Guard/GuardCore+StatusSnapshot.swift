import Foundation
import Ledger

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
