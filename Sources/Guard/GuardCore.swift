import AccessControl
import Foundation
import Ledger
import Logging
import Messages
import PeerKeys
import Settings
import Telemetry
import ToolPolicy

/// A frame set the guard wants sent to one peer on one link.
public struct Outbound: Sendable {
    public var link: GuardLink
    public var peer: Data
    public var frames: [Data]
}

/// Every decision the guard makes, in one place: it hears what peers say and the time passing, records what it
/// decided in the ledger, and answers with the messages to send. It does no I/O of its own besides the ledger, so
/// tests drive it with an in-memory ledger and a hand-moved clock. The concerns live in extensions: a job's path in
/// `JobProtocol/` (+Intake → +Admission → +JobRun → +Delivery, docs/architecture.md), commands and buttons in
/// `ChatSurface/`; what it keeps in memory is in value types (`Books/`, `Decisions/`).
public actor GuardCore {
    let configuration: GuardConfiguration
    let ledger: any Ledger
    let clock: any WallClock
    let logger: Logger
    let intake: IntakePolicy
    let tools: ToolPolicy
    /// Changes with every guard start; peers that see a new one register again.
    public nonisolated let instanceId: String
    let startedAt: EpochMillis

    /// Executors, their slots, confinement and the jobs they accepted.
    var executors = ExecutorPool()
    var egress = EgressRoster()
    /// Who has been told that prompts wait for an executor.
    var outage = ExecutorOutage()
    /// Replies held while Telegram fails as a whole (a refused token, 5xx, the network); nil while it works.
    var telegramOutage: DeliveryOutage?
    /// Deliveries handed to an egress and not yet answered.
    var deliveries = DeliveryBook()
    /// Running jobs' status messages, and when their chats last saw `typing`.
    var statuses = StatusBook()
    /// Tool calls waiting for their person's answer (also in the ledger).
    var approvals: ApprovalBook
    /// Checks `/auth` tokens; nil when token authentication is off.
    let tokens: AccessTokenIssuer?
    /// Bursts of violations or of requests per person (in memory: a restart forgives, blocks already made stay).
    var anomalies: AnomalyDetector
    /// When each person who may not use the bot was last answered (bounded: see `RefusalThrottle`).
    var refusals = RefusalThrottle()
    var lastHousekeeping: EpochMillis = 0
    /// While an intake batch is handled with `followUpLater`; and whether it left a dispatch owed.
    var followUpDeferred = false
    var followUpOwed = false
    /// Questions executors are answering about files.
    var fileRequests = FileRequestBook()
    /// How many strangers get an answer (all are audited).
    var refusalReplies = RefusalReplyBudget()
    /// The other programs' metrics as their heartbeats carried them; nil when metrics are off.
    public nonisolated let peerMetrics: PeerExpositions?
    /// Looks up the names WebFetch is asked to fetch.
    let resolver: any HostResolver
    /// Tool calls waiting for a lookup outside the core (a WebFetch host's), taken by `lateDecisions`.
    nonisolated let pendingLookups: AsyncStream<LateDecisions.Lookup>
    let lookups: AsyncStream<LateDecisions.Lookup>.Continuation
    /// Decisions that had to wait for something outside the core (a WebFetch host's lookup), made as the service's
    /// task iterates this once (the lookups run there, one at a time), to be sent as they come.
    public nonisolated var lateDecisions: LateDecisions { LateDecisions(core: self, lookups: pendingLookups) }

    public init(
        configuration: GuardConfiguration, ledger: any Ledger, clock: any WallClock, logger: Logger,
        resolver: any HostResolver = SystemHostResolver()
    ) {
        self.configuration = configuration
        self.resolver = resolver
        self.peerMetrics = configuration.metricsAddress == nil ? nil : PeerExpositions()
        (pendingLookups, lookups) = AsyncStream.makeStream(of: LateDecisions.Lookup.self)
        self.ledger = ledger
        self.clock = clock
        self.logger = logger
        self.intake = IntakePolicy(tokenAuthEnabled: configuration.access.tokenSecret != nil)
        self.tokens = configuration.access.tokenSecret.flatMap { try? AccessTokenIssuer(secret: Array($0.reveal().utf8)) }
        self.anomalies = AnomalyDetector(policy: configuration.access.anomaly)
        self.tools = ToolPolicy(file: configuration.toolPolicy)
        self.approvals = ApprovalBook(waiting: (try? ledger.pendingApprovals()) ?? [])
        self.instanceId = String(UUID().uuidString.prefix(8)).lowercased()
        self.startedAt = clock.now()
    }

    // MARK: - Receiving

    /// Handles one frame set from a peer. Malformed input is logged and dropped; it never stops the guard.
    public func receive(link: GuardLink, peer: Data, frames: [Data]) -> [Outbound] {
        do {
            let envelope = try WireCodec.envelope(of: frames)
            if envelope.type == .heartbeat, let peerMetrics { notePeerMetrics(envelope, link: link, into: peerMetrics) }
            switch link {
            case .intake: return try receiveIntake(envelope, from: peer)
            case .work: return try receiveWork(envelope, from: peer)
            case .delivery: return try receiveDelivery(envelope, from: peer)
            }
        } catch let error as WireError {
            logger.warning("dropped a malformed message", metadata: ["link": "\(link.rawValue)", "error": "\(error)"])
        } catch {
            logger.error("failed to handle a message", metadata: ["link": "\(link.rawValue)", "error": "\(error)"])
        }
        return []
    }

    // MARK: - Time passing

    /// Called about every 250 ms: liveness, re-dispatch, re-delivery, typing.
    public func tick() -> [Outbound] {
        let now = clock.now()
        do {
            var out: [Outbound] = []
            out += try expireExecutors(now: now)
            out += try expireDispatches(now: now)
            out += try expireApprovals(now: now)
            try expireEgress(now: now)
            try runDueSchedules(now: now)
            out += try dispatchQueuedJobs()
            out += try reviewExecutorOutage(now: now)
            out += try pumpOutbox()
            out += try sendPendingStatusMessages()
            out += try statusEdits(now: now)
            out += try typingActions(now: now)
            out += try housekeeping(now: now)
            out += try expireFileRequests(now: now)
            return out
        } catch {
            logger.error("guard tick failed", metadata: ["error": "\(error)"])
            return []
        }
    }

    // MARK: - Encoding

    func heartbeat(on link: GuardLink, to peer: Data, registered: Bool?) throws -> Outbound {
        try message(Heartbeat(
            senderId: instanceId, sentAt: clock.now(), registered: registered,
            collectMetrics: configuration.metricsAddress == nil ? nil : true), on: link, to: peer)
    }

    func message<M: WireMessage>(_ message: M, on link: GuardLink, to peer: Data) throws -> Outbound {
        Outbound(link: link, peer: peer, frames: try WireCodec.encode(message))
    }

    /// Telegram failing as a whole, in words for the health file; nil while replies go through.
    public var telegramProblem: String? { telegramOutage?.problem(now: clock.now()) }

    static func newId() -> String { UUID().uuidString.lowercased() }

    static func shortId() -> String { String(UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12)).lowercased() }
}
