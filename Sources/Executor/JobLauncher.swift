import Foundation
import Logging
import Messages
import OutboundProxy
import PeerLink
import ToolPolicy
import Synchronization

/// Runs the jobs the guard assigns: takes each into a free slot, runs Claude Code in its workspace, streams
/// progress, routes every permission question to the guard (then checks the real paths itself), and records
/// the result for the guard.
struct JobLauncher: Sendable {
    let configuration: ExecutorConfiguration
    let connection: GuardConnection
    let state: ExecutorState
    let workspaces: WorkspaceGuard
    let scratch: ScratchDirectory
    let sandbox: SandboxStatus
    let check: JobCheck
    /// Every CLI's HTTP(S) traffic goes through it; nil when the operator turned it off.
    let proxy: OutboundProxy?
    /// CLIs started ahead of a person's next prompt (`WARM_CLI_POOL`; empty when off).
    let warm: WarmCLIPool
    /// Where jobs, warm CLIs and reports run: children of the executor service's task group, so its shutdown
    /// reaches them.
    let work: ChildTasks
    let logger: Logger

    /// The one TCP port a job's process tree needs to reach for the network (the proxy's), for the kernel's
    /// connect rule; nil when there is no proxy.
    var outboundProxyPort: Int? { proxy?.port }

    /// Tool input fields naming a file or directory the executor checks on disk before allowing.
    static let pathFields = ["file_path", "notebook_path", "path"]
    static let proxyVariables = ["HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY", "https_proxy", "http_proxy", "all_proxy"]

    func launch(_ job: JobAssignment) async {
        let isActive = await state.activeJobIds.contains(job.jobId)
        switch await check.check(job, now: Date().epochMillis, isActive: isActive) {
        case .take:
            break
        case .alreadyHere:
            logger.info("job already here; ignoring the repeated dispatch", metadata: ["job.id": "\(job.jobId)"])
            return
        case .refuse(let code, let reason):
            logger.warning("refused a job", metadata: ["job.id": "\(job.jobId)", "refusal": "\(code)"])
            try? await connection.send(JobAccepted(jobId: job.jobId, attempt: job.attempt, accepted: false, reason: reason, refusal: code))
            return
        }
        let draining = await state.draining
        let running = await state.runningCount
        if draining || running >= configuration.capacity {
            let reason = draining ? "executor is shutting down" : "no free slot"
            try? await connection.send(JobAccepted(
                jobId: job.jobId, attempt: job.attempt, accepted: false, reason: reason, refusal: (draining ? JobRefusal.draining : JobRefusal.noSlot).rawValue))
            return
        }
        let cancellation = ClaudeCancellation()
        guard await state.admit(jobId: job.jobId, attempt: job.attempt, cancellation: cancellation) else {
            logger.info("job already here; ignoring the repeated dispatch", metadata: ["job.id": "\(job.jobId)"])
            return
        }
        let warmCLI = await warm.claim(for: job)
        // The CLI starts (or is already there) while the acceptance travels; it gets the prompt only after the
        // guard's go-ahead.
        let started = work.spawn {
            let once = ReportedOnce()
            let report: @Sendable (JobResult) async -> Void = { [state, connection] result in
                guard once.claim() else { return }
                await state.finish(result)
                try? await connection.send(result)
            }
            await report(await run(job, cancellation: cancellation, warm: warmCLI, report: report))
            await cliEnded(jobId: job.jobId)
        }
        guard started else {
            // The service is stopping (its task group ended): the job never runs, and the guard is told so.
            logger.warning("the executor is stopping; the job was not started", metadata: ["job.id": "\(job.jobId)"])
            warmCLI?.drop()
            await state.finish(JobResult(jobId: job.jobId, attempt: job.attempt, outcome: .cancelled, finishedAt: Date().epochMillis))
            return
        }
        try? await connection.send(JobAccepted(jobId: job.jobId, attempt: job.attempt, accepted: true))
    }

    /// Starts the CLI in the job's workspace at once, and releases the prompt to it only once the guard has
    /// recorded the job as running here (see `JobGo`). Nothing the person asked for runs, and no upload is saved,
    /// before that; a job that cannot even start reports so only after the go-ahead too, like any other result.
    /// A successful answer is reported (through `report`) as soon as the CLI gives it; its slot is free from then
    /// on, while the CLI exits (it has `ClaudeRunner.exitGraceAfterResult` to do so before it is stopped).
    private func run(
        _ job: JobAssignment, cancellation: ClaudeCancellation, warm: WarmCLI?, report: @escaping @Sendable (JobResult) async -> Void
    ) async -> JobResult {
        var logger = logger
        logger[metadataKey: "job.id"] = "\(job.jobId)"
        if let updateId = job.updateId { logger[metadataKey: "update.id"] = "\(updateId)" }
        let workspace: String
        do {
            workspaces.createPersonalRoot(for: job.workspace)
            workspace = try workspaces.workspace(job.workspace)
        } catch {
            warm?.drop()
            logger.error("workspace refused", metadata: ["reason": "\(error)"])
            return await failedAfterGo(job, detail: "workspace: \(error)")
        }
        let sender = FileToChatSender(workspaces: workspaces, connection: connection, state: state, logger: logger)
        // The prompt is made once (uploads saved once), even when the run has to start over in a fresh session.
        let released = Mutex<JobUploads.Placed?>(nil)
        let release: @Sendable () async -> ClaudePromptRelease = { [state, logger] in
            if let made = released.withLock({ $0 }) { return made.release }
            guard await state.waitForGo(jobId: job.jobId) else {
                logger.info("job cancelled before it started")
                return .withheld(reason: nil)
            }
            let made = JobUploads.place(job, workspace: workspace, logger: logger)
            released.withLock { $0 = made }
            return made.release
        }
        let noticed: @Sendable (JobResult) -> JobResult = { result in
            guard let placed = released.withLock({ $0 }), let notice = placed.notice else { return result }
            var result = result
            if case .withheld = placed.release { result.refusalNotice = notice } else { result.notice = notice }
            return result
        }
        let progress = ProgressReporter(jobId: job.jobId, attempt: job.attempt, workspace: workspace, connection: connection)
        // The relay is not awaited at the end: a progress message still being sent must not hold up the result.
        work.spawn { await progress.relay() }
        defer { progress.stop() }
        return await runCLI(
            job, workspace: workspace, cancellation: cancellation, warm: warm, report: report, progress: progress,
            sender: sender, release: release, noticed: noticed, logger: logger)
    }

    /// `run`'s CLI part: the warm CLI if one was claimed, else a CLI started now (again in a new session if the one
    /// to continue is not on this disk).
    private func runCLI(
        _ job: JobAssignment, workspace: String, cancellation: ClaudeCancellation, warm: WarmCLI?,
        report: @escaping @Sendable (JobResult) async -> Void, progress: ProgressReporter, sender: FileToChatSender,
        release: @escaping @Sendable () async -> ClaudePromptRelease, noticed: @escaping @Sendable (JobResult) -> JobResult,
        logger: Logger
    ) async -> JobResult {
        let facts = WorkspaceFacts(workspace: workspace)
        let transcripts = TranscriptLocator(home: configuration.claude.home)
        let survey = projectSurvey(of: job, workspace: workspace)
        let binding = { (fresh: Bool) in
            WarmCLI.Binding(
                release: release,
                onCompleted: { outcome in
                    await report(await surveyed(noticed(
                        Self.result(of: outcome, job: job, workspace: workspace, transcripts: transcripts, fresh: fresh)), by: survey))
                },
                onEvent: { event in
                    survey?.hear(event)
                    await progress.hear(event)
                },
                decide: { question in await decide(question, job: job, workspace: workspace, facts: facts) },
                sendFile: { path in await sender.send(path, job: job, workspace: workspace) })
        }
        let finished: @Sendable (ClaudeOutcome, Bool) async -> JobResult = { [logger] outcome, fresh in
            logger.info("claude finished", metadata: [
                "ending": "\(outcome.ending.rawValue)", "cost.usd": "\(outcome.totalCostUSD.map { String($0) } ?? "-")",
                "fresh_session": "\(fresh)", "warm": "\(warm != nil)",
            ])
            return await surveyed(noticed(Self.result(of: outcome, job: job, workspace: workspace, transcripts: transcripts, fresh: fresh)), by: survey)
        }

        var resume = job.resumeSessionId
        if let warm {
            // The warm CLI was started for exactly this launch; if it ended before taking the prompt, start afresh.
            if await warm.claim(binding(false), jobId: job.jobId, cancellation: cancellation), let outcome = await warm.outcome() {
                guard outcome.sessionNotFound, !cancellation.isCancelled else { return await finished(outcome, false) }
                resume = nil
            } else {
                logger.notice("the warm Claude CLI ended before its prompt; starting one")
            }
        }
        var launch = CLILaunch(job)
        launch.resumeSessionId = resume
        var prepared: PreparedCLI
        do {
            prepared = try prepareCLI(workspace: workspace, owner: job.jobId, prompt: job.prompt, launch: launch)
        } catch {
            logger.error("no sandbox for the job", metadata: ["reason": "\(error)"])
            return await failedAfterGo(job, detail: error.description)
        }
        defer { dispose(prepared) }
        do {
            var fresh = resume == nil && job.resumeSessionId != nil
            var outcome: ClaudeOutcome
            repeat {
                let callbacks = binding(fresh)
                prepared.invocation.tools = configuration.offersSendFile ? GatehouseToolServer(send: callbacks.sendFile) : nil
                outcome = try await ClaudeRunner(logger: logger).run(
                    prepared.invocation, cancellation: cancellation, release: callbacks.release, onCompleted: callbacks.onCompleted,
                    onEvent: callbacks.onEvent, decide: callbacks.decide)
                // A session that never reached the disk (its first run was killed early): the model saw nothing,
                // so the same prompt runs at once in a new session, and the person is told.
                if !fresh, prepared.invocation.resumeSessionId != nil, outcome.sessionNotFound, !cancellation.isCancelled {
                    logger.warning("the session to continue has no transcript here; running the prompt in a new session")
                    prepared.invocation.resumeSessionId = nil
                    fresh = true
                    continue
                }
                break
            } while true
            return await finished(outcome, fresh)
        } catch {
            // The runner throws only before the CLI exists, so the release was never asked for.
            logger.error("claude could not be run", metadata: ["error": "\(error)"])
            return await failedAfterGo(job, detail: "cannot run the CLI: \(error)")
        }
    }

    /// What the job's workspace is as a project once its run ends, surveyed ahead where that holds; nil for a job
    /// outside any person's root (no quick actions).
    private func projectSurvey(of job: JobAssignment, workspace: String) -> ProjectSurvey? {
        guard let root = job.root else { return nil }
        let inspector = GitInspector(workspaces: workspaces, runner: InertGitRunner(searchPath: Self.searchPath))
        return ProjectSurvey(leavesWorkspaceAlone: { name, input in Self.leavesWorkspaceAlone(name, input, workspace: workspace) }) {
            await inspector.facts(path: job.workspace, root: root)
        }
    }

    /// A call that cannot change the workspace, by the policy's own classing of reads (`ToolEffect`); a subagent
    /// counts as changing it, whatever its own calls turn out to be.
    static func leavesWorkspaceAlone(_ toolName: String, _ input: JSONValue, workspace: String) -> Bool {
        guard !["Task", "Agent"].contains(toolName) else { return false }
        return localPolicy.effect(toolName: toolName, input: input, context: ToolCallContext(workspace: workspace)) == .readOnly
    }

    /// A completed run's result with what its workspace now is as a project (git, pending changes, a test
    /// command): the guard's quick actions are chosen from it.
    private func surveyed(_ result: JobResult, by survey: ProjectSurvey?) async -> JobResult {
        guard result.outcome == .completed, let survey else { return result }
        var result = result
        result.project = await survey.facts()
        return result
    }

    /// The executor's PATH, where git is looked for.
    static var searchPath: String { ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin" }

    /// A job that could not start: failed once the guard has said go, cancelled if it never does.
    private func failedAfterGo(_ job: JobAssignment, detail: String) async -> JobResult {
        let go = await state.waitForGo(jobId: job.jobId)
        return JobResult(
            jobId: job.jobId, attempt: job.attempt, outcome: go ? .failed : .cancelled, errorDetail: go ? detail : nil,
            finishedAt: Date().epochMillis)
    }

    /// The guard decides; on "allow" the executor also checks, on its own disk, that every path stays inside.
    private func decide(_ question: ClaudePermissionQuestion, job: JobAssignment, workspace: String, facts: WorkspaceFacts) async
        -> ClaudePermissionAnswer
    {
        var request = PermissionRequest(
            jobId: job.jobId, requestId: question.requestId, toolName: question.toolName, input: question.input,
            toolUseId: question.toolUseId, workspaceHoldsSecrets: facts.holdsSecrets)
        request.attempt = job.attempt
        if job.localReads == true, Self.isLocalRead(question, workspace: workspace, confined: sandbox.isConfined, facts: facts) {
            // A plain read: answered here at once (after the check on disk), and reported for the guard's record.
            if let problem = Self.pathsToCheck(question, workspace: workspace, home: configuration.claude.home)
                .lazy.compactMap({ workspaces.check(path: $0, workspace: workspace) }).first
            {
                return .deny(message: "denied: \(problem.reason)")
            }
            request.decidedByExecutor = true
            // The report does not hold up the answer: the guard's record of a read decides nothing later.
            work.spawn { [connection, request] in try? await connection.send(request) }
            return .allow
        }
        await state.ask(request)
        try? await connection.send(request)
        let decision = await state.decision(on: request)
        guard decision.allow else { return .deny(message: decision.message ?? "denied by policy") }
        for path in Self.pathsToCheck(question, workspace: workspace, home: configuration.claude.home) {
            if let problem = workspaces.check(path: path, workspace: workspace) {
                logger.warning("executor path check denied a tool call the guard allowed", metadata: [
                    "job.id": "\(job.jobId)", "tool": "\(question.toolName)", "reason": "\(problem)",
                ])
                return .deny(message: "denied: \(problem.reason)")
            }
        }
        if let updatedInput = decision.updatedInput { return .allowWithInput(updatedInput) }
        return .allow
    }

    /// The default policy every executor carries: what it allows and classes read-only may be allowed here.
    static let localPolicy = ToolPolicy()

    static func isLocalRead(_ question: ClaudePermissionQuestion, workspace: String, confined: Bool, facts: WorkspaceFacts) -> Bool {
        let context = ToolCallContext(workspace: workspace, confined: confined, workspaceHoldsSecrets: facts.holdsSecrets)
        return localPolicy.allowsAsRead(toolName: question.toolName, input: question.input, context: context)
    }

    /// The paths of a call to check on disk before allowing it: a file tool's path fields; for Bash, every path
    /// the command names that looks inside the workspace (`BashPolicy.staticPaths`, after following `cd`), so a
    /// symlink inside that leads out is caught. Paths outside were judged by the guard as what they are.
    static func pathsToCheck(_ question: ClaudePermissionQuestion, workspace: String, home: String) -> [String] {
        if question.toolName == "Bash", let command = question.input["command"]?.stringValue {
            return BashPolicy.staticPaths(command: command, workspace: workspace, home: home).paths.filter {
                $0 == workspace || $0.hasPrefix(workspace + "/")
            }
        }
        return pathFields.compactMap { question.input[$0]?.stringValue }
    }

    /// What the job's sandbox plan is made from (`JobSandbox`).
    static func sandboxContext(_ configuration: ExecutorConfiguration, status: SandboxStatus) -> JobSandbox.Context {
        JobSandbox.Context(
            status: status, settings: configuration.sandbox, approvedDirectory: configuration.approvedDirectory,
            claudeHome: configuration.claude.home, cliPath: configuration.claude.cliPath)
    }

    /// Exactly the environment the CLI gets: nothing of the executor's own is inherited by accident. Its temporary
    /// directory is the job's own, even over a passed-through one: the sandbox grants no other. With a proxy, every
    /// proxy variable names it (curl reads only the lowercase `http_proxy`) and nothing bypasses it.
    static func environment(
        _ configuration: ExecutorConfiguration, temporaryDirectory: String, proxyURL: String?
    ) -> [String: String] {
        var env: [String: String] = [
            "HOME": configuration.claude.home,
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin",
            "LANG": "C.UTF-8",
            "DISABLE_TELEMETRY": "1", "DISABLE_ERROR_REPORTING": "1", "DISABLE_AUTOUPDATER": "1",
            "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
            LeftoverSweeper.variable: LeftoverSweeper.marker(
                executorId: configuration.executorId, guardEndpoint: configuration.guardEndpoint,
                approvedDirectory: configuration.approvedDirectory),
        ]
        env.merge(configuration.claude.passthrough) { _, passed in passed }
        env.merge(InertGit.environment) { _, inert in inert }
        if let key = configuration.claude.apiKey { env["ANTHROPIC_API_KEY"] = key.reveal() }
        for name in ["TMPDIR", "CLAUDE_CODE_TMPDIR", "XDG_RUNTIME_DIR"] { env[name] = temporaryDirectory }
        if let proxyURL {
            for name in Self.proxyVariables { env[name] = proxyURL }
            env["NO_PROXY"] = nil
            env["no_proxy"] = nil
        }
        return env
    }

    static func result(of outcome: ClaudeOutcome, job: JobAssignment) -> JobResult {
        JobResult(
            jobId: job.jobId, attempt: job.attempt,
            outcome: outcome.subtype == "error_max_budget_usd" ? .overBudget : Self.outcome(outcome.ending),
            text: outcome.resultText,
            costUSD: outcome.totalCostUSD, sessionId: outcome.sessionId, numTurns: outcome.numTurns,
            durationMs: outcome.durationMs,
            errorDetail: outcome.ending == .completed ? nil : Self.detail(outcome), finishedAt: Date().epochMillis)
    }

    /// The result, with what the guard needs to keep a person's chat whole: whether the session can be continued
    /// (the run finished, or its transcript is on this disk), whether it is a fresh one standing in for a session
    /// that could not be continued, and whether the CLI died on its own.
    static func result(
        of outcome: ClaudeOutcome, job: JobAssignment, workspace: String, transcripts: TranscriptLocator, fresh: Bool
    ) -> JobResult {
        var result = result(of: outcome, job: job)
        if let sessionId = outcome.sessionId, !outcome.sessionNotFound {
            let real = URL(fileURLWithPath: workspace).resolvingSymlinksInPath().path
            result.sessionSaved = outcome.ending == .completed
                || transcripts.transcript(sessionId: sessionId, workingDirectory: real) != nil
        } else {
            result.sessionSaved = false
        }
        if fresh { result.freshSession = true }
        if outcome.diedWithoutResult { result.cliDied = true }
        return result
    }

    static func outcome(_ ending: ClaudeOutcome.Ending) -> JobResult.Outcome {
        switch ending {
        case .completed: .completed
        case .failed: .failed
        case .cancelled: .cancelled
        case .timedOut: .timedOut
        }
    }

    /// What went wrong, for the guard's log. Built from the CLI's own status fields, not from its stderr.
    static func detail(_ outcome: ClaudeOutcome) -> String {
        var parts: [String] = ["ending=\(outcome.ending.rawValue)"]
        if let subtype = outcome.subtype { parts.append("subtype=\(subtype)") }
        if let reason = outcome.terminalReason { parts.append("terminal_reason=\(reason)") }
        if let status = outcome.exitStatus { parts.append("exit=\(status)") }
        if !outcome.errors.isEmpty { parts.append("errors=\(outcome.errors.prefix(3).joined(separator: " | ").prefix(500))") }
        if let sandbox = SandboxExit.explanation(exitStatus: outcome.exitStatus, stderrTail: outcome.stderrTail) {
            parts.append("sandbox=\(sandbox)")
        }
        return parts.joined(separator: " ")
    }
}
