import Foundation
import Guard
import Ledger
import Logging
import Messages
import PeerKeys
import Settings
import Synchronization
import Testing
import ToolPolicy

/// A clock the test moves by hand.
final class ManualClock: WallClock {
    private let value = Mutex<EpochMillis>(1_700_000_000_000)
    func now() -> EpochMillis { value.withLock { $0 } }
    func advance(ms: Int64) { value.withLock { $0 += ms } }
}

/// A guard core with an in-memory ledger, and helpers that speak to it as the other programs would.
struct GuardHarness {
    let clock = ManualClock()
    let ledger: any Ledger
    let core: GuardCore
    let ingress = Data("ingress".utf8)
    let egress = Data("egress".utf8)

    init(
        allowed: Set<Int64> = [100], ledger: any Ledger = memoryLedger(), timing: GuardConfiguration.Timing = .init(),
        approvalTimeoutSeconds: Int = 300, admins: Set<Int64> = [], resolver: any HostResolver = SystemHostResolver(),
        configure: (inout GuardConfiguration) -> Void = { _ in }
    ) {
        self.ledger = ledger
        var configuration = GuardConfiguration(
            endpoints: .init(intake: "ipc://unused-i", work: "ipc://unused-w", delivery: "ipc://unused-d"),
            databasePath: ":memory:", approvedDirectory: "/srv/projects", allowedUsers: allowed,
            claude: .init(timeoutSeconds: 60), timing: timing)
        configuration.approvalTimeoutSeconds = approvalTimeoutSeconds
        configuration.adminUsers = admins
        // Most suites predate private workspaces and reason about paths under the approved directory itself.
        configuration.workspaceMode = .shared
        configure(&configuration)
        core = GuardCore(
            configuration: configuration, ledger: ledger, clock: clock, logger: Logger(label: "test.guard"), resolver: resolver)
    }

    func message(updateId: Int64, from user: Int64, text: String, chatType: String = "private") -> InboundUpdate {
        InboundUpdate(
            updateId: updateId, receivedAt: clock.now(), kind: .message, sender: .init(id: user),
            chat: .init(id: user, type: chatType), messageId: updateId * 10, text: text)
    }

    func send<M: WireMessage>(_ message: M, on link: GuardLink, from peer: Data) async throws -> [Outbound] {
        await core.receive(link: link, peer: peer, frames: try WireCodec.encode(message))
    }

    func registerExecutor(_ id: String, capacity: Int = 1, running: [String] = []) async throws -> [Outbound] {
        try await send(
            ExecutorReady(executorId: id, host: "h", capacity: capacity, runningJobIds: running), on: .work,
            from: Data(id.utf8))
    }

    /// What a real executor does with a job: accept it, wait for the go-ahead, start it.
    /// An egress and executor `executor` registered, and a job of `user` started there.
    func runningJob(from user: Int64 = 100, on executor: String = "a") async throws -> JobAssignment {
        _ = try await registerEgress()
        _ = try await registerExecutor(executor)
        let job = try #require(try await send(message(updateId: 1, from: user, text: "x"), on: .intake, from: ingress)
            .messages(JobAssignment.self).first?.message)
        _ = try await start(job.jobId, on: executor)
        return job
    }

    func start(_ jobId: String, attempt: Int = 1, on executor: String) async throws -> [Outbound] {
        let accepted = try await send(JobAccepted(jobId: jobId, attempt: attempt, accepted: true), on: .work, from: Data(executor.utf8))
        return accepted + (try await send(JobStarted(jobId: jobId, attempt: attempt, startedAt: 1), on: .work, from: Data(executor.utf8)))
    }

    func registerEgress() async throws -> [Outbound] {
        try await send(EgressReady(egressId: "eg", capacity: 4), on: .delivery, from: egress)
    }
}

extension GuardHarness {
    /// Replies waiting in the outbox for one chat, oldest first.
    func pendingReplies(to chatId: Int64) throws -> [OutboxRecord] {
        try ledger.dueOutbox(now: .max, limit: 10_000).filter { $0.chatId == chatId }
    }

    func auditEvents(_ event: String) throws -> [AuditRecord] {
        try ledger.audit(fromSeq: 1, limit: 100_000).filter { $0.event == event }
    }

    func queuedJobs(of userId: Int64) throws -> [JobRecord] {
        try ledger.jobs(in: [.queued, .dispatched, .running]).filter { $0.userId == userId }
    }

    @discardableResult
    func say(_ text: String, from user: Int64, updateId: Int64) async throws -> [Outbound] {
        try await send(message(updateId: updateId, from: user, text: text), on: .intake, from: ingress)
    }
}

extension Array where Element == Outbound {
    /// The decoded messages of one type in this batch, with the peer each goes to.
    func messages<M: WireMessage>(_ type: M.Type) -> [(peer: Data, message: M)] {
        compactMap { outbound in
            guard let envelope = try? WireCodec.envelope(of: outbound.frames), envelope.type == M.type,
                let message = try? WireCodec.decode(M.self, from: envelope)
            else { return nil }
            return (outbound.peer, message)
        }
    }
}

/// The ledger of the core's tests: the product's SQLite ledger on a private in-memory database.
func memoryLedger() -> SQLiteLedger {
    do {
        return try SQLiteLedger.inMemory()
    } catch {
        preconditionFailure("an in-memory SQLite ledger could not be made: \(error)")
    }
}
