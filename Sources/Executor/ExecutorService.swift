import Foundation
import Logging
import Messages
import OutboundProxy
import PeerLink
import ServiceLifecycle
import Settings
import Synchronization
import Transport

/// An executor: registers its free slots with the guard, runs each job it is given through the Claude Code CLI,
/// asks the guard about every tool call, and reports the result until the guard acknowledges it.
public struct ExecutorService: Service, CustomStringConvertible {
    public var description: String { "executor" }

    private let configuration: ExecutorConfiguration
    private let context: ZMQContext
    private let logger: Logger

    public init(configuration: ExecutorConfiguration, context: ZMQContext, logger: Logger) {
        self.configuration = configuration
        self.context = context
        self.logger = logger
    }

    public func run() async throws {
        _ = ProcessReaper.enableSubreaper()
        LeftoverSweeper.killLeftovers(marker: LeftoverSweeper.marker(
            executorId: configuration.executorId, guardEndpoint: configuration.guardEndpoint,
            approvedDirectory: configuration.approvedDirectory), logger: logger)
        let workspaces = try WorkspaceGuard(approvedDirectory: configuration.approvedDirectory)
        let state = ExecutorState()
        let sandbox = try await SandboxHelper.status(for: configuration.sandbox)
        let scratch = try ScratchDirectory.make(for: configuration.executorId)
        do {
            try JobSandbox.checkAtStart(
                JobLauncher.sandboxContext(configuration, status: sandbox), scratch: scratch,
                environment: JobLauncher.environment(configuration, temporaryDirectory: scratch.path, proxyURL: nil))
        } catch {
            scratch.remove()
            throw error
        }
        let configuration = configuration
        let logger = logger

        // Holder breaks the cycle: the connection's callbacks need the connection.
        let holder = ConnectionHolder()
        let processId = UUID().uuidString.lowercased()
        let connection = try GuardConnection(
            context: context,
            configuration: .guardLink(configuration.guardEndpoint, peerId: configuration.executorId, security: configuration.guardLinkSecurity,
                                         health: configuration.health),
            logger: logger,
            registration: {
                let ready = ExecutorReady(
                    executorId: configuration.executorId, host: configuration.host,
                    capacity: await state.draining ? 0 : configuration.capacity,
                    runningJobIds: await state.activeJobIds, processId: processId, confinement: sandbox.label)
                return try? WireCodec.encode(ready)
            },
            afterRegistration: {
                guard let connection = holder.connection else { return }
                for acceptance in await state.pendingAcceptances { try? await connection.send(acceptance) }
                for request in await state.pendingQuestions { try? await connection.send(request) }
                for result in await state.pendingResults { try? await connection.send(result) }
            })
        holder.connection = connection
        let proxy = try await startProxy()
        // Jobs, warm CLIs, file requests and reports: children of the service's task group, through this.
        let work = ChildTasks()
        let jobs = JobLauncher(
            configuration: configuration, connection: connection, state: state, workspaces: workspaces,
            scratch: scratch, sandbox: sandbox, check: JobCheck(verifier: configuration.jobVerifier), proxy: proxy,
            warm: WarmCLIPool(configuration: configuration, logger: logger), work: work, logger: logger)
        if configuration.warmPool > 0 {
            logger.info("warm Claude CLIs on", metadata: [
                "warm.pool": "\(configuration.warmPool)", "warm.window_s": "\(configuration.warmWindow.components.seconds)",
            ])
        }
        switch sandbox {
        case .landlock(let abi, let helper):
            logger.info("executor starting: every Claude Code CLI confined by Landlock", metadata: [
                "sandbox": "\(sandbox.label)", "sandbox.abi": "\(abi)", "sandbox.helper": "\(helper)",
            ])
            if abi < 6 {
                logger.warning("this kernel's Landlock is older than ABI 6: \(abi < 4 ? "TCP connections are not restricted, and " : "")abstract unix sockets and signals are not scoped to the job")
            }
        case .off:
            logger.warning("executor starting UNCONFINED: EXECUTOR_SANDBOX=off, Claude Code and its tools run without Landlock or resource limits", metadata: [
                "sandbox": "off",
            ])
        }
        let files = FileRequestService(
            handler: FileRequestHandler(workspaces: workspaces, claudeHome: configuration.claude.home),
            git: GitInspector(workspaces: workspaces, runner: InertGitRunner(searchPath: JobLauncher.searchPath)),
            connection: connection, logger: logger)
        if configuration.jobVerifier == nil {
            logger.warning("no GATEHOUSE_JOB_PUBLIC_KEY: running jobs without checking the guard's signature (development only)")
        }

        // The executor's pieces, stopped in reverse order: receiving (then the drain) first; the guard connection,
        // which the drain reports over, last. Work still running after the drain is cancelled at its piece's turn.
        var pieces: [any Service] = [
            GuardConnectionService(connection),
            ServicePiece.untilShutdown("executor work") { await work.run() },
        ]
        if let proxy {
            pieces.append(ServicePiece.untilShutdown("outbound proxy") {
                do { try await proxy.run() } catch { logger.error("outbound proxy failed", metadata: ["error": "\(error)"]) }
            })
        }
        let resender = ResultResender(interval: configuration.resultResendInterval, connection: connection, state: state)
        pieces.append(ServicePiece.untilShutdown("result resender") { await resender.run() })
        // The guard is heard through the drain: a job accepted just before the shutdown still needs its `job_go`, a
        // running one its permission answers, a result its acknowledgement. New jobs are refused while draining.
        pieces.append(ServicePiece("executor jobs") {
            await withTaskGroup(of: Bool.self) { group in
                group.addTask {
                    await receive(connection: connection, state: state, jobs: jobs, files: files, work: work)
                    return false
                }
                group.addTask { (try? await gracefulShutdown()) != nil }
                if await group.next() == true { logger.info("executor draining: no new jobs") }
                await jobs.warm.stopAll()
                await drain(connection: connection, state: state, processId: processId, confinement: sandbox.label)
                group.cancelAll()
            }
        })
        defer { scratch.remove() }
        try await ProgramServiceGroup.run(pieces, logger: logger)
    }

    /// Binds the outbound proxy (its port is known before any job starts), allowing the Anthropic endpoint.
    private func startProxy() async throws -> OutboundProxy? {
        guard var settings = configuration.outboundProxy else {
            logger.warning("no outbound proxy (OUTBOUND_PROXY=off): Claude's tools reach the network unscreened")
            return nil
        }
        let baseURL = configuration.claude.passthrough["ANTHROPIC_BASE_URL"] ?? "https://api.anthropic.com"
        if let anthropic = ProxyEndpoint(url: baseURL) { settings.allowlist.insert(anthropic) }
        return try await OutboundProxy.bind(configuration: settings, logger: logger)
    }

    private func receive(
        connection: GuardConnection, state: ExecutorState, jobs: JobLauncher, files: FileRequestService, work: ChildTasks
    ) async {
        for await envelope in connection.messages {
            do {
                switch envelope.type {
                case .job:
                    await jobs.launch(try WireCodec.decode(JobAssignment.self, from: envelope))
                case .jobGo:
                    await state.go(try WireCodec.decode(JobGo.self, from: envelope))
                case .cancelJob:
                    let cancel = try WireCodec.decode(CancelJob.self, from: envelope)
                    let found = await state.cancel(jobId: cancel.jobId)
                    logger.info("cancel requested", metadata: ["job.id": "\(cancel.jobId)", "found": "\(found)"])
                case .permissionDecision:
                    await state.answer(try WireCodec.decode(PermissionDecision.self, from: envelope))
                case .fileToChatReceipt:
                    await state.receive(try WireCodec.decode(FileToChatReceipt.self, from: envelope))
                case .jobResultAck:
                    let ack = try WireCodec.decode(JobResultAck.self, from: envelope)
                    await state.acknowledge(jobId: ack.jobId)
                    if let next = ack.nextLaunch { await jobs.heard(next, after: ack.jobId) }
                case .fileRequest:
                    let request = try WireCodec.decode(FileRequest.self, from: envelope)
                    // Not awaited: a slow disk must not hold up jobs and permission answers.
                    work.spawn { await files.handle(request) }
                default:
                    logger.debug("ignored a message", metadata: ["type": "\(envelope.type.rawValue)"])
                }
            } catch {
                logger.warning("dropped a malformed message from the guard", metadata: ["error": "\(error)"])
            }
        }
    }

    /// Graceful shutdown: tell the guard there are no free slots, let running jobs finish within the grace
    /// period, cancel the rest, and wait (briefly) until the guard has every result.
    private func drain(connection: GuardConnection, state: ExecutorState, processId: String, confinement: String) async {
        await state.startDraining()
        if let ready = try? WireCodec.encode(ExecutorReady(
            executorId: configuration.executorId, host: configuration.host, capacity: 0,
            runningJobIds: await state.activeJobIds, processId: processId, confinement: confinement))
        {
            try? await connection.sendFrames(ready)
        }
        // Each wait looks again whenever a job leaves its slot or a result is acknowledged, not on a clock.
        let deadline = ContinuousClock.now + configuration.drainGrace
        if await !state.changes.wait(until: deadline, for: { await state.runningCount == 0 }) {
            let stillRunning = await state.runningCount
            logger.warning("drain grace over; cancelling running jobs", metadata: ["count": "\(stillRunning)"])
            await state.cancelAll()
        }
        let ackDeadline = ContinuousClock.now + configuration.claude.interruptGrace + configuration.claude.terminateGrace + .seconds(3)
        _ = await state.changes.wait(until: ackDeadline, for: { await state.activeJobIds.isEmpty })
        let unacknowledged = await state.activeJobIds.count
        logger.info("executor drained", metadata: ["unacknowledged": "\(unacknowledged)"])
    }
}

/// Lets the connection's registration callbacks reach the connection they belong to.
private final class ConnectionHolder: Sendable {
    private let value = Mutex<GuardConnection?>(nil)

    var connection: GuardConnection? {
        get { value.withLock { $0 } }
        set { value.withLock { $0 = newValue } }
    }
}
