#if canImport(Glibc)
import Glibc
#endif
import Logging
import Messages
import Subprocess
import Synchronization

/// The live part of one run: feeds stdin, reads stdout and stderr, answers permission questions, and supervises
/// the process (cancel, timeout, teardown, leftovers). Lives only inside Subprocess's `run` body.
final class ClaudeRunSession: Sendable {
    typealias RunningExecution = Execution<CustomWriteInput, SequenceOutput, SequenceOutput>

    private let invocation: ClaudeInvocation
    private let cancellation: ClaudeCancellation
    private let state: ClaudeRunState
    private let logger: Logger
    private let release: @Sendable () async -> ClaudePromptRelease
    private let onCompleted: (@Sendable (ClaudeOutcome) async -> Void)?
    private let onEvent: @Sendable (ClaudeEvent) async -> Void
    private let decide: @Sendable (ClaudePermissionQuestion) async -> ClaudePermissionAnswer
    /// Permission questions being decided (by request id): one withdrawn by the CLI, or left when its output ended,
    /// is not answered.
    private let pendingDecisions = Mutex<Set<String>>([])
    /// Decisions, MCP replies and other writes made off the reading loop: children of `drive`'s task group.
    private let sideWork = ChildTasks()
    private let callerCancelled = Atomic<Bool>(false)
    /// Set once the CLI has exited (it is not reaped yet).
    private let exited = Atomic<Bool>(false)
    /// Tool uses the CLI asked about and the runner did not deny (by `tool_use_id`): if the CLI then rejects one of
    /// them itself (before or after the answer), it is not going to use the answer.
    private let askedToolUses = Mutex<Set<String>>([])
    private let answerDiscarded = Atomic<Bool>(false)
    /// What the CLI writes as the result of a tool it rejected for lack of an answer (interactive mode's text).
    static let selfRejectionText = "The user doesn't want to proceed with this tool use"
    /// When the prompt was written: the run's timeout counts from then.
    private let promptWrittenAt = Mutex<ContinuousClock.Instant?>(nil)
    /// Wakes the supervisor: something it decides on changed (a cancel, the prompt written, a result, the CLI gone).
    private let changes = ChangeSignal()
    private let hookRegistration = ClaudeHookRegistration()
    /// What the hook answered, by `tool_use_id`: a permission prompt for the same call gets the same answer.
    private let hookAnswers = Mutex<[String: ClaudePermissionAnswer]>([:])

    /// How long the CLI may take to confirm the PreToolUse hook once the prompt is ready.
    private static let hookRegistrationTimeout: Duration = .seconds(30)
    /// How often it records the process tree (a /proc scan).
    private static let treeRefreshInterval: Duration = .milliseconds(200)

    init(
        invocation: ClaudeInvocation,
        cancellation: ClaudeCancellation,
        state: ClaudeRunState,
        logger: Logger,
        release: @escaping @Sendable () async -> ClaudePromptRelease,
        onCompleted: (@Sendable (ClaudeOutcome) async -> Void)?,
        onEvent: @escaping @Sendable (ClaudeEvent) async -> Void,
        decide: @escaping @Sendable (ClaudePermissionQuestion) async -> ClaudePermissionAnswer
    ) {
        self.invocation = invocation
        self.cancellation = cancellation
        self.state = state
        self.logger = logger
        self.release = release
        self.onCompleted = onCompleted
        self.onEvent = onEvent
        self.decide = decide
    }

    func drive(_ execution: RunningExecution) async {
        let pid = execution.processIdentifier.value
        let tracker = ProcessTreeTracker(rootPid: pid)
        let stdin = execution.standardInputWriter
        var logger = logger
        logger[metadataKey: "claude.pid"] = "\(pid)"
        logger.debug("claude process started")
        cancellation.whenCancelled { [changes] in changes.signal() }

        // Unstructured on purpose, and awaited below: like Subprocess's own teardown, the supervision must run to
        // its end (the CLI and its tree gone) even when the caller is cancelled; it sees that through
        // `callerCancelled` and tears down in order, like an explicit cancel.
        let supervision = Task { [logger] in await self.supervise(execution, tracker: tracker, logger: logger) }
        await withTaskCancellationHandler {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await self.readStderr(execution.standardError) }
                group.addTask { await self.sideWork.run() }
                // Before anything else: every tool call is to come to us as a hook callback.
                await self.write(.initialize(offeringTools: invocation.tools != nil), to: stdin)
                group.addTask { [logger] in await self.releasePrompt(pid: pid, stdin: stdin, logger: logger) }
                await self.readStdout(execution.standardOutput, stdin: stdin, logger: logger)
                hookRegistration.settle(failure: "the CLI ended before it confirmed the tool-screening hook")
                try? await stdin.finish()
                // Questions still pending are not answered any more; what is under way ends, and nothing new starts.
                pendingDecisions.withLock { $0.removeAll() }
                sideWork.finish()
                await group.waitForAll()
            }
        } onCancel: {
            callerCancelled.store(true, ordering: .releasing)
            changes.signal()
        }
        await supervision.value
    }

    /// Writes the prompt once the caller releases it and the CLI has registered the PreToolUse hook; otherwise
    /// ends the CLI's input unprompted.
    private func releasePrompt(pid: pid_t, stdin: StandardInputWriter, logger: Logger) async {
        switch await release() {
        case .prompt(let prompt):
            // The CLI answers `initialize` as soon as it has started (about 0.5 s); one that never does is broken.
            let failure = await withTaskGroup(of: Void.self) { group in
                group.addTask { [hookRegistration] in
                    guard (try? await Task.sleep(for: Self.hookRegistrationTimeout)) != nil else { return }
                    hookRegistration.settle(failure: "no answer to initialize within \(Self.hookRegistrationTimeout)")
                }
                let failure = await hookRegistration.outcome()
                group.cancelAll()
                return failure
            }
            if let failure {
                logger.error("claude did not register the tool-screening hook; the prompt is withheld", metadata: [
                    "claude.error": "\(failure.prefix(300))",
                ])
                withhold(reason: "the CLI did not accept the tool-screening hook: \(failure.prefix(200))")
                try? await stdin.finish()
                return
            }
            await onEvent(.processStarted(pid: pid))
            promptWrittenAt.withLock { $0 = ContinuousClock.now }
            changes.signal()
            await self.write(.userPrompt(prompt), to: stdin)
        case .withheld(let reason):
            // End of input before any prompt: the CLI has nothing to do and exits; the supervisor escalates if
            // it does not.
            withhold(reason: reason)
            try? await stdin.finish()
        }
    }

    private func withhold(reason: String?) {
        state.requestStop(.withheld(reason: reason))
        changes.signal()
    }

    // MARK: stdout

    private func readStdout(_ output: SubprocessOutputSequence, stdin: StandardInputWriter, logger: Logger) async {
        var splitter = ClaudeLineSplitter(maxLineBytes: ClaudeRunner.maxLineBytes)
        do {
            for try await buffer in output {
                let lines = buffer.withUnsafeBytes { splitter.append($0) }
                for line in lines {
                    await handle(line: line, stdin: stdin, logger: logger)
                }
            }
        } catch {
            // The pipe is cancelled when the CLI exits while a grandchild still holds it open: that is an ending.
            logger.debug("claude stdout ended with an error", metadata: ["error.kind": "\(type(of: error))"])
        }
        if let last = splitter.finish() {
            await handle(line: last, stdin: stdin, logger: logger)
        }
        if splitter.droppedLines > 0 {
            logger.warning("claude output lines over the size limit were skipped", metadata: [
                "claude.dropped_lines": "\(splitter.droppedLines)",
            ])
        }
    }

    private func handle(line bytes: [UInt8], stdin: StandardInputWriter, logger: Logger) async {
        let line = ClaudeStreamLine(line: Substring(decoding: bytes, as: UTF8.self))
        switch line {
        case .events(let events):
            for event in events {
                if case .initialized(let sessionId, _) = event {
                    state.recordSessionId(sessionId)
                }
                if case .assistantText(let text) = event { state.recordAssistantText(text) }
                if case .toolResult(let toolUseId, true, let preview) = event,
                    preview.hasPrefix(Self.selfRejectionText), askedToolUses.withLock({ $0.contains(toolUseId) })
                {
                    logger.warning("claude rejected a tool it was allowed to use and would wait forever; ending the run", metadata: [
                        "claude.tool_use_id": "\(toolUseId)",
                    ])
                    answerDiscarded.store(true, ordering: .releasing)
                    changes.signal()
                }
                await onEvent(event)
            }
        case .permissionQuestion(let question):
            startDecision(question, stdin: stdin, logger: logger)
        case .unsupportedControlRequest(let requestId, let subtype):
            logger.notice("claude sent an unsupported control request", metadata: ["claude.control_subtype": "\(subtype)"])
            await write(.controlError(requestId: requestId, message: "unsupported control request: \(subtype)"), to: stdin)
        case .controlResponse(let requestId, let error):
            if requestId == ClaudeControl.initializeRequestId { hookRegistration.settle(failure: error) }
        case .mcpMessage(let requestId, let serverName, let message):
            guard let tools = invocation.tools, serverName == GatehouseToolServer.name else {
                await write(.controlError(requestId: requestId, message: "no MCP server named \(serverName)"), to: stdin)
                return
            }
            // Off the reading loop: sending a file waits for the guard, and output must keep flowing meanwhile.
            sideWork.spawn {
                let reply = await tools.respond(to: message)
                await self.write(.mcpResponse(requestId: requestId, message: reply), to: stdin)
            }
        case .controlCancel(let requestId):
            pendingDecisions.withLock { _ = $0.remove(requestId) }
        case .result(let result):
            state.recordResult(result)
            changes.signal()
            if let onCompleted, let outcome = state.completedOutcome() { await onCompleted(outcome) }
            // Only now: closing stdin earlier would deny any tool still waiting for an answer.
            try? await stdin.finish()
        case .ignored:
            break
        case .parseFailed:
            logger.debug("claude printed a line that is not JSON", metadata: ["claude.line_bytes": "\(bytes.count)"])
        }
    }

    /// Asks `decide` off the reading loop, so several questions can be pending and output keeps flowing.
    private func startDecision(_ question: ClaudePermissionQuestion, stdin: StandardInputWriter, logger: Logger) {
        if question.channel == .permissionPrompt, let toolUseId = question.toolUseId {
            // The hook already had this call decided: the prompt gets the same answer, not a second question.
            if let decided = hookAnswers.withLock({ $0[toolUseId] }) {
                if decided.allows { askedToolUses.withLock { _ = $0.insert(toolUseId) } }
                sideWork.spawn { await self.write(.permission(requestId: question.requestId, answer: decided, originalInput: question.input, toolUseId: toolUseId), to: stdin) }
                return
            }
            askedToolUses.withLock { _ = $0.insert(toolUseId) }
        }
        // Registered before it starts: a decision that comes at once must find itself pending.
        pendingDecisions.withLock { _ = $0.insert(question.requestId) }
        sideWork.spawn { await self.answer(question, stdin: stdin, logger: logger) }
    }

    private func answer(_ question: ClaudePermissionQuestion, stdin: StandardInputWriter, logger: Logger) async {
        let answer = await decide(question)
        // Answer only if the CLI still waits for it (not withdrawn, run not over).
        let stillPending = pendingDecisions.withLock { $0.remove(question.requestId) } != nil
        guard stillPending, !Task.isCancelled else { return }
        logger.debug("claude permission answered", metadata: [
            "claude.tool": "\(question.toolName)",
            "claude.decision": "\(answer.allows ? "allow" : "deny")",
            "claude.channel": "\(question.channel)",
        ])
        switch question.channel {
        case .preToolUseHook:
            if let toolUseId = question.toolUseId { hookAnswers.withLock { $0[toolUseId] = answer } }
            await write(.hookDecision(requestId: question.requestId, answer: answer), to: stdin)
        case .permissionPrompt:
            if !answer.allows, let toolUseId = question.toolUseId {
                askedToolUses.withLock { _ = $0.remove(toolUseId) }
            }
            await write(
                .permission(requestId: question.requestId, answer: answer, originalInput: question.input, toolUseId: question.toolUseId),
                to: stdin)
        }
    }

    private func write(_ message: ClaudeStdinMessage, to stdin: StandardInputWriter) async {
        do {
            _ = try await stdin.write(message.line)
        } catch {
            // stdin is closed once the result arrived or the process died; a late answer has nowhere to go.
            logger.debug("claude stdin write failed", metadata: ["error.kind": "\(type(of: error))"])
        }
    }

    // MARK: stderr

    private func readStderr(_ errors: SubprocessOutputSequence) async {
        do {
            for try await buffer in errors {
                buffer.withUnsafeBytes { state.appendStderr($0) }
            }
        } catch {
            // Same as stdout: cancelled when the CLI exits first.
        }
    }

    // MARK: supervision

    /// Until the CLI is gone: stop it when asked (cancel, timeout, a discarded answer, a withheld prompt, lingering
    /// after its result), keep a record of its process tree meanwhile, then kill and reap what it left behind.
    private func supervise(_ execution: RunningExecution, tracker: ProcessTreeTracker, logger: Logger) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.recordTree(tracker) }
            group.addTask { await self.stopWhenAsked(execution, tracker: tracker, logger: logger) }
            await execution.waitForExit(ceiling: ClaudeTeardown.ceiling(for: invocation))
            exited.store(true, ordering: .releasing)
            changes.signal()
            group.cancelAll()
        }
        let leftovers = await tracker.killDescendants(deadline: ContinuousClock.now + ClaudeRunner.leftoverKillTimeout)
        if leftovers > 0 {
            logger.info("killed processes the claude run left behind", metadata: ["claude.leftovers": "\(leftovers)"])
        }
    }

    /// Records the process tree every `treeRefreshInterval` until cancelled (the CLI is gone). The first scan one
    /// interval in: a CLI just started has no children yet, and a scan of /proc then would only compete with it.
    private func recordTree(_ tracker: ProcessTreeTracker) async {
        while (try? await Task.sleep(for: Self.treeRefreshInterval)) != nil {
            tracker.refresh()
        }
    }

    /// Sleeps until the next deadline or a change, and tears the CLI down (`ClaudeTeardown`) once there is a reason.
    private func stopWhenAsked(_ execution: RunningExecution, tracker: ProcessTreeTracker, logger: Logger) async {
        let startDeadline = ContinuousClock.now + (invocation.startTimeout ?? invocation.timeout)
        var resultSeenAt: ContinuousClock.Instant?
        while !exited.load(ordering: .acquiring) {
            let seen = changes.generation
            let now = ContinuousClock.now
            if state.hasResult { resultSeenAt = resultSeenAt ?? now }
            let timeoutAt = promptWrittenAt.withLock({ $0 }).map { $0 + invocation.timeout } ?? startDeadline
            let lingerEnd = resultSeenAt.map { $0 + ClaudeRunner.exitGraceAfterResult }
            var reason: ClaudeStopReason?
            if cancellation.isCancelled || callerCancelled.load(ordering: .acquiring) {
                reason = .cancelled
            } else if now >= timeoutAt {
                reason = .timedOut
            } else if answerDiscarded.load(ordering: .acquiring) {
                reason = .answerDiscarded
            } else if case .withheld? = state.stopReason {
                reason = state.stopReason
            }
            let lingering = lingerEnd.map { now >= $0 } ?? false
            if reason != nil || lingering {
                if let reason { state.requestStop(reason) }
                logger.info("claude run stopping", metadata: [
                    "claude.stop_reason": "\(reason.map { "\($0)" } ?? "lingering after result")",
                ])
                tracker.refresh()
                await execution.teardown(using: ClaudeTeardown.sequence(for: invocation))
                logger.info("claude stopped", metadata: ["claude.teardown": "\(ContinuousClock.now - now)"])
                return
            }
            await changes.changed(since: seen, orUntil: min(timeoutAt, lingerEnd ?? timeoutAt))
        }
    }
}
