import Messages

/// What an executor is doing: jobs in its slots, results the guard has not acknowledged yet, and tool-permission
/// questions waiting for the guard's answer. One actor, so the service's tasks never race over it.
actor ExecutorState {
    private(set) var draining = false
    private var running: [String: ClaudeCancellation] = [:]
    private var unackedResults: [String: JobResult] = [:]
    private var questions = AwaitedReplies<PermissionRequest, PermissionDecision>()
    /// Files sent to the chat waiting for the guard's receipt (nil: none came in time).
    private var receipts = AwaitedReplies<Void, FileToChatReceipt?>()
    /// Where an admitted job stands with the guard's go-ahead. The go can arrive before the launcher asks for it
    /// (the CLI is being started meanwhile), so it is kept until then.
    private enum GoAhead {
        case awaited(attempt: Int, waiter: CheckedContinuation<Bool, Never>?)
        case given
    }
    private var goAheads: [String: GoAhead] = [:]

    /// Signalled whenever a job leaves its slot or its result is acknowledged: what a drain waits on.
    nonisolated let changes = ChangeSignal()

    var runningCount: Int { running.count }

    /// Jobs the guard must not give to anyone else: running, or finished with a result not yet acknowledged.
    var activeJobIds: [String] { Array(Set(running.keys).union(unackedResults.keys)).sorted() }

    func startDraining() { draining = true }

    /// Takes a job into a slot, to wait there for the guard's go-ahead; false if it is already here (a repeated
    /// dispatch).
    func admit(jobId: String, attempt: Int, cancellation: ClaudeCancellation) -> Bool {
        guard running[jobId] == nil, unackedResults[jobId] == nil else { return false }
        running[jobId] = cancellation
        goAheads[jobId] = .awaited(attempt: attempt, waiter: nil)
        return true
    }

    func cancel(jobId: String) -> Bool {
        guard let cancellation = running[jobId] else { return false }
        cancellation.cancel()
        if case .awaited(_, let waiter?)? = goAheads.removeValue(forKey: jobId) { waiter.resume(returning: false) }
        denyQuestions(of: jobId, because: "the job was cancelled")
        return true
    }

    func cancelAll() {
        for jobId in Array(running.keys) { _ = cancel(jobId: jobId) }
    }

    func finish(_ result: JobResult) {
        running[result.jobId] = nil
        goAheads[result.jobId] = nil
        unackedResults[result.jobId] = result
        denyQuestions(of: result.jobId, because: "the job ended")
        changes.signal()
    }

    /// Questions of a job that stops will never be answered usefully: answer them with a denial now.
    private func denyQuestions(of jobId: String, because reason: String) {
        for (key, request) in questions.unanswered where request.jobId == jobId {
            questions.resolve(key, with: PermissionDecision(jobId: jobId, requestId: request.requestId, allow: false, message: reason))
        }
    }

    /// Until the guard says go (true), or the job is cancelled first (false). At once if the go came already.
    func waitForGo(jobId: String) async -> Bool {
        if running[jobId]?.isCancelled ?? true { return false }
        switch goAheads[jobId] {
        case .given?:
            goAheads[jobId] = nil
            return true
        case .awaited(let attempt, nil)?:
            return await withCheckedContinuation { continuation in
                goAheads[jobId] = .awaited(attempt: attempt, waiter: continuation)
            }
        case .awaited(_, _?)?, nil:
            return false
        }
    }

    func go(_ go: JobGo) {
        guard case .awaited(let attempt, let waiter)? = goAheads[go.jobId], attempt == go.attempt else { return }
        if let waiter {
            goAheads[go.jobId] = nil
            waiter.resume(returning: true)
        } else {
            goAheads[go.jobId] = .given
        }
    }

    /// Acceptances to send again after re-registering (the guard may have restarted before answering).
    var pendingAcceptances: [JobAccepted] {
        goAheads.compactMap { jobId, goAhead in
            guard case .awaited(let attempt, _) = goAhead else { return nil }
            return JobAccepted(jobId: jobId, attempt: attempt, accepted: true)
        }
    }

    func acknowledge(jobId: String) {
        unackedResults[jobId] = nil
        changes.signal()
    }

    var pendingResults: [JobResult] { Array(unackedResults.values) }

    /// `request` is about to go to the guard: its decision is awaited (`decision(on:)`), and sent again after a
    /// re-registration until it comes.
    func ask(_ request: PermissionRequest) {
        questions.expect(Self.key(request.jobId, request.requestId), subject: request)
    }

    /// The guard's decision on a request `ask`ed, or the denial given when its job stopped.
    func decision(on request: PermissionRequest) async -> PermissionDecision {
        await withCheckedContinuation { continuation in
            questions.wait(Self.key(request.jobId, request.requestId), continuation, otherwise: PermissionDecision(
                jobId: request.jobId, requestId: request.requestId, allow: false, message: "the question was not asked"))
        }
    }

    func answer(_ decision: PermissionDecision) {
        questions.resolve(Self.key(decision.jobId, decision.requestId), with: decision)
    }

    var pendingQuestions: [PermissionRequest] { questions.unanswered.map(\.subject) }

    /// `file` is about to go to the guard: its receipt is awaited (`receipt(for:)`).
    func expectReceipt(for file: FileToChat) {
        receipts.expect(Self.key(file.jobId, file.requestId), subject: ())
    }

    /// The guard's receipt for `file`, or nil if none came in time (`expireReceipt`).
    func receipt(for file: FileToChat) async -> FileToChatReceipt? {
        await withCheckedContinuation { continuation in
            receipts.wait(Self.key(file.jobId, file.requestId), continuation, otherwise: nil)
        }
    }

    func receive(_ receipt: FileToChatReceipt) {
        receipts.resolve(Self.key(receipt.jobId, receipt.requestId), with: receipt)
    }

    /// The guard did not answer in time (or could not be written to): the tool call is told the file was not sent.
    func expireReceipt(for file: FileToChat) {
        receipts.resolve(Self.key(file.jobId, file.requestId), with: nil)
    }

    private static func key(_ jobId: String, _ requestId: String) -> String { jobId + "/" + requestId }
}
