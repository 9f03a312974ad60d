import Foundation
import Messages

/// A question an executor is answering for a person (`/cd`, `/ls`, `/projects`, `/get`, `/export`, `/bind`, `/git`,
/// `/actions`).
/// In memory only: after a guard restart the person simply asks again.
struct PendingFileRequest: Sendable {
    enum Purpose: Sendable, Equatable { case cd, ls, projects, get, export(ExportFormat), bind, git(GitView), actions }

    var purpose: Purpose
    var userId: Int64
    var chatId: Int64
    var threadId: Int64?
    var replyTo: Int64?
    /// Relative to the person's root.
    var directory: String
    var sentAt: EpochMillis
    /// The question itself, kept while no executor that can answer it is connected (`parked`).
    var ask: FileRequest
    /// The executor that must answer (the one holding a session's transcript), or nil for any.
    var preferred: String?
    /// Waiting for an executor to connect (e.g. just after a restart) rather than for one to answer.
    var parked: Bool
}

/// The questions executors are answering about files, by request id, and those waiting for an executor to connect.
struct FileRequestBook: Sendable {
    /// How long an executor has to answer.
    static let answerTimeoutMs: Int64 = 15_000
    /// How long a question waits for an executor that can answer it to connect.
    static let parkedTimeoutMs: Int64 = 5_000

    private var requests: [String: PendingFileRequest] = [:]

    var count: Int { requests.count }

    mutating func asked(_ request: PendingFileRequest) {
        requests[request.ask.requestId] = request
    }

    /// The answer came: the question it answers, which is no longer pending (nil for an unknown or late answer).
    mutating func take(_ requestId: String) -> PendingFileRequest? {
        requests.removeValue(forKey: requestId)
    }

    /// The parked questions the executor that just registered can answer, oldest first; they now wait for its answer.
    mutating func unpark(for executorId: String, now: EpochMillis) -> [FileRequest] {
        let ready = requests.values
            .filter { $0.parked && ($0.preferred ?? executorId) == executorId }
            .sorted { ($0.sentAt, $0.ask.requestId) < ($1.sentAt, $1.ask.requestId) }
        for request in ready {
            requests[request.ask.requestId]?.parked = false
            requests[request.ask.requestId]?.sentAt = now
        }
        return ready.map(\.ask)
    }

    /// Questions no executor answered in time, or none could be asked in time: no longer pending, answered for it.
    mutating func expired(at now: EpochMillis) -> [PendingFileRequest] {
        let late = requests.values
            .filter { now - $0.sentAt > ($0.parked ? Self.parkedTimeoutMs : Self.answerTimeoutMs) }
            .sorted { ($0.sentAt, $0.ask.requestId) < ($1.sentAt, $1.ask.requestId) }
        for request in late { requests[request.ask.requestId] = nil }
        return late
    }
}
