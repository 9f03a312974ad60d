import Foundation
import Messages

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
        public var lastSeen: EpochMillis

        public init(
            id: String, host: String, keyFingerprint: String?, confinement: String, capacity: Int, jobs: [String],
            lastSeen: EpochMillis
        ) {
            self.id = id
            self.host = host
            self.keyFingerprint = keyFingerprint
            self.confinement = confinement
            self.capacity = capacity
            self.jobs = jobs
            self.lastSeen = lastSeen
        }
    }

    public struct Egress: Codable, Sendable, Equatable {
        public var id: String
        public var capacity: Int
        public var inFlight: Int
        public var lastSeen: EpochMillis

        public init(id: String, capacity: Int, inFlight: Int, lastSeen: EpochMillis) {
            self.id = id
            self.capacity = capacity
            self.inFlight = inFlight
            self.lastSeen = lastSeen
        }
    }

    public var instanceId: String
    public var startedAt: EpochMillis
    public var writtenAt: EpochMillis
    public var executors: [Executor]
    public var egress: [Egress]
    public var approvalsPending: Int

    public init(
        instanceId: String, startedAt: EpochMillis, writtenAt: EpochMillis, executors: [Executor], egress: [Egress], approvalsPending: Int
    ) {
        self.instanceId = instanceId
        self.startedAt = startedAt
        self.writtenAt = writtenAt
        self.executors = executors
        self.egress = egress
        self.approvalsPending = approvalsPending
    }
}
