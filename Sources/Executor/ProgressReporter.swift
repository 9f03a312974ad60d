import Foundation
import Messages
import PeerLink
import Synchronization
import ToolPolicy

/// Turns the CLI's events into progress messages for the guard (and the one "started" notice). Progress is relayed
/// in order by its own task, so reading the CLI's output (and answering its next tool question) never waits for a
/// progress message to be sent; the "started" notice is sent at once, ahead of anything the job reports later.
actor ProgressReporter {
    private let jobId: String
    private let attempt: Int
    private let workspace: String
    private let connection: GuardConnection
    private var sequence = 0
    private nonisolated let pending: AsyncStream<ClaudeEvent>
    private nonisolated let pendingSink: AsyncStream<ClaudeEvent>.Continuation
    private nonisolated let stopped = Atomic<Bool>(false)

    init(jobId: String, attempt: Int, workspace: String, connection: GuardConnection) {
        self.jobId = jobId
        self.attempt = attempt
        self.workspace = workspace
        self.connection = connection
        (pending, pendingSink) = AsyncStream.makeStream(of: ClaudeEvent.self)
    }

    /// Takes one event from the CLI: the start is reported now, the rest queued for `relay`.
    func hear(_ event: ClaudeEvent) async {
        if case .processStarted = event {
            await report(event)
        } else {
            pendingSink.yield(event)
        }
    }

    /// Sends the queued progress in order until `stop()` (or cancellation).
    func relay() async {
        for await event in pending {
            guard !stopped.load(ordering: .acquiring) else { return }
            await report(event)
        }
    }

    /// The job has its result: progress still queued is dropped, and `relay` ends after the message it is sending.
    nonisolated func stop() {
        stopped.store(true, ordering: .releasing)
        pendingSink.finish()
    }

    func report(_ event: ClaudeEvent) async {
        switch event {
        case .processStarted:
            try? await connection.send(JobStarted(jobId: jobId, attempt: attempt, startedAt: Date().epochMillis))
        case .initialized:
            break
        case .assistantText(let text):
            let line = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
            await send(.assistantText, tool: nil, summary: String(SecretRedactor.redact(line).prefix(ToolSummary.limit)))
        case .toolUse(_, let name, let input):
            await send(.toolUse, tool: name, summary: ToolSummary.describe(tool: name, input: input, workspace: workspace))
        case .toolResult(_, let isError, _):
            await send(.toolResult, tool: nil, summary: isError ? "error" : "ok")
        case .apiRetry(let attempt, _, _, _):
            await send(.retrying, tool: nil, summary: "API retry \(attempt)")
        }
    }

    private func send(_ kind: JobProgress.Kind, tool: String?, summary: String) async {
        sequence += 1
        try? await connection.send(JobProgress(jobId: jobId, sequence: sequence, kind: kind, toolName: tool, summary: summary))
    }
}
