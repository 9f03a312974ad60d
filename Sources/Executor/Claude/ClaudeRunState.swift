#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Why the runner stopped the CLI itself.
enum ClaudeStopReason: Sendable {
    case cancelled
    case timedOut
    /// The CLI rejected a tool the runner had allowed, as if no answer had come, and would wait for a person forever
    /// (a fault of Claude Code 2.1.330, seen intermittently): the run is ended at once rather than at the timeout.
    case answerDiscarded
    /// The CLI was started ahead of its prompt, and the prompt was withheld (see `ClaudePromptRelease`).
    case withheld(reason: String?)
}

/// What the tasks of one run learn, gathered under one lock, and turned into the outcome at the end.
final class ClaudeRunState: Sendable {
    private struct Values {
        var result: ClaudeResultLine?
        var sessionId: String?
        var stop: ClaudeStopReason?
        var stderr = ClaudeStderrTail()
        var notes: [String] = []
        /// What Claude wrote so far, for a run stopped at its budget (its result line then has no text).
        var assistantText = ""
    }

    /// Text past this is dropped from what a stopped run hands back (the answer it stood for is cut anyway).
    static let assistantTextLimit = 64 * 1024

    private let values = Mutex(Values())

    /// Records the first result line. If it comes after a stop request, the stop still decides the ending.
    func recordResult(_ result: ClaudeResultLine) {
        values.withLock { $0.result = $0.result ?? result }
    }

    var hasResult: Bool { values.withLock { $0.result != nil } }

    func recordSessionId(_ sessionId: String) {
        values.withLock { $0.sessionId = sessionId }
    }

    /// Records the first stop reason, unless the result line already arrived (then the result decides the ending).
    func requestStop(_ reason: ClaudeStopReason) {
        values.withLock { values in
            if values.stop == nil, values.result == nil { values.stop = reason }
        }
    }

    var stopReason: ClaudeStopReason? { values.withLock { $0.stop } }

    func appendStderr(_ chunk: UnsafeRawBufferPointer) {
        values.withLock { $0.stderr.append(chunk) }
    }

    func recordAssistantText(_ text: String) {
        values.withLock { values in
            guard values.assistantText.utf8.count < Self.assistantTextLimit else { return }
            values.assistantText += (values.assistantText.isEmpty ? "" : "\n\n") + text
        }
    }

    func note(_ message: String) {
        values.withLock { $0.notes.append(message) }
    }

    /// The outcome already, if the CLI reported success and nothing stopped it first: the ending cannot change
    /// any more, whatever the exit (only `exitStatus` is unknown yet).
    func completedOutcome() -> ClaudeOutcome? {
        let completed = values.withLock { $0.stop == nil && $0.result.map { !$0.isError } == true }
        guard completed else { return nil }
        let outcome = outcome(exitStatus: nil)
        return outcome.ending == .completed ? outcome : nil
    }

    func outcome(exitStatus: Int32?) -> ClaudeOutcome {
        values.withLock { values in
            var outcome = ClaudeOutcome(
                ending: .failed, isError: true, sessionId: values.sessionId,
                errors: [], exitStatus: exitStatus, stderrTail: values.stderr.text
            )
            if let result = values.result {
                outcome.resultText = result.resultText
                outcome.isError = result.isError
                outcome.subtype = result.subtype
                outcome.totalCostUSD = result.totalCostUSD
                outcome.sessionId = result.sessionId ?? values.sessionId
                outcome.numTurns = result.numTurns
                outcome.durationMs = result.durationMs
                outcome.terminalReason = result.terminalReason
                outcome.errors = result.errors
                // Stopped at its budget, the CLI reports no text: the person still gets what Claude had written.
                if result.subtype == "error_max_budget_usd", result.resultText == nil, !values.assistantText.isEmpty {
                    outcome.resultText = values.assistantText
                }
            }
            switch (values.stop, values.result) {
            case (.timedOut?, _):
                outcome.ending = .timedOut
            case (.cancelled?, _):
                outcome.ending = .cancelled
            case (.withheld(let reason)?, _):
                outcome.ending = reason == nil ? .cancelled : .failed
                outcome.isError = true
                if let reason { values.notes.append(reason) }
            case (.answerDiscarded?, _):
                outcome.ending = .failed
                outcome.isError = true
                values.notes.append("the CLI discarded a permission answer and rejected the tool itself; the run was ended instead of waiting")
            case (nil, let result?):
                outcome.ending = result.isError ? .failed : .completed
            case (nil, nil):
                // Interrupted from outside (exit 0 after SIGINT, or a termination signal) reads as cancelled;
                // any other exit without a result is a crash.
                let interrupted = exitStatus == 0 || exitStatus == 128 + SIGINT || exitStatus == 128 + SIGTERM
                outcome.ending = interrupted ? .cancelled : .failed
                outcome.diedWithoutResult = !interrupted
                outcome.isError = true
                values.notes.append("the CLI ended without a result line")
            }
            outcome.errors += values.notes
            return outcome
        }
    }
}
