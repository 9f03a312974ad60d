import Messages

/// What an executor is doing: jobs in its slots, results the guard has not acknowledged yet, and tool-permission
/// questions waiting for the guard's answer. One actor, so the service's tasks never race over it.
actor ExecutorState {
    struct PendingQuestion {
        var request: PermissionRequest
        var continuation: CheckedContinuation<PermissionDecision, Never>
    }

    private(set) var draining = false
    private var running: [String: ClaudeCancellation] = [:]
    private var unackedResults: [String: JobResult] = [:]
    private var questions: [String: PendingQuestion] = [:]
    /// Jobs accepted and waiting for the guard's go-ahead: job id → (attempt, who waits).
    private var awaitingGo: [String: (attempt: Int, continuation: CheckedContinuation<Bool, Never>)] = [:]

    var runningCount: Int { running.count }

    /// Jobs the guard must not give to anyone else: running, or finished with a result not yet acknowledged.
    var activeJobIds: [String] { Array(Set(running.keys).union(unackedResults.keys)).sorted() }

    func startDraining() { draining = true }

    /// Takes a job into a slot; false if it is already here (a repeated dispatch).
    func admit(jobId: String, cancellation: ClaudeCancellation) -> Bool {
        guard running[jobId] == nil, unackedResults[jobId] == nil else { return false }
        running[jobId] = cancellation
        return true
    }

    func cancel(jobId: String) -> Bool {
        guard let cancellation = running[jobId] else { return false }
        cancellation.cancel()
        awaitingGo.removeValue(forKey: jobId)?.continuation.resume(returning: false)
        denyQuestions(of: jobId, because: "the job was cancelled")
        return true
    }

    func cancelAll() {
        for jobId in Array(running.keys) { _ = cancel(jobId: jobId) }
    }

    func finish(_ result: JobResult) {
        running[result.jobId] = nil
        unackedResults[result.jobId] = result
        denyQuestions(of: result.jobId, because: "the job ended")
    }

    /// Questions of a job that stops will never be answered usefully: answer them with a denial now.
    private func denyQuestions(of jobId: String, because reason: String) {
        for (key, question) in questions where question.request.jobId == jobId {
            questions[key] = nil
            question.continuation.resume(returning: PermissionDecision(
                jobId: jobId, requestId: question.request.requestId, allow: false, message: reason))
        }
    }

    /// Suspends until the guard says go (true), or the job is cancelled first (false).
    func waitForGo(jobId: String, attempt: Int) async -> Bool {
        if running[jobId]?.isCancelled ?? true { return false }
        return await withCheckedContinuation { continuation in
            awaitingGo[jobId] = (attempt, continuation)
        }
    }

    func go(_ go: JobGo) {
        guard let waiting = awaitingGo[go.jobId], waiting.attempt == go.attempt else { return }
        awaitingGo[go.jobId] = nil
        waiting.continuation.resume(returning: true)
    }

    /// Acceptances to send again after re-registering (the guard may have restarted before answering).
    var pendingAcceptances: [JobAccepted] {
        awaitingGo.map { JobAccepted(jobId: $0.key, attempt: $0.value.attempt, accepted: true) }
    }

    func acknowledge(jobId: String) {
        unackedResults[jobId] = nil
    }

    var pendingResults: [JobResult] { Array(unackedResults.values) }

    func await(_ request: PermissionRequest, continuation: CheckedContinuation<PermissionDecision, Never>) {
        questions[Self.key(request.jobId, request.requestId)] = PendingQuestion(request: request, continuation: continuation)
    }

    func answer(_ decision: PermissionDecision) {
        questions.removeValue(forKey: Self.key(decision.jobId, decision.requestId))?.continuation.resume(returning: decision)
    }

    var pendingQuestions: [PermissionRequest] { questions.values.map(\.request) }

    private static func key(_ jobId: String, _ requestId: String) -> String { jobId + "/" + requestId }
}
