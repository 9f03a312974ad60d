import Dispatch
import Logging
import Messages
import PeerLink

/// Runs the guard's file requests beside the jobs: each on a dispatch thread (disk work blocks, and must not hold
/// the message loop or the async pool), at most `concurrency` at once, and at most `backlog` more waiting; past
/// that a request is answered `busy` at once. The answer goes back on the same link.
struct FileRequestService: Sendable {
    static let concurrency = 4
    static let backlog = 32

    let handler: FileRequestHandler
    /// `/git` and `/actions`: git runs as a subprocess, awaited rather than blocking a thread.
    let git: GitInspector
    let connection: GuardConnection
    let logger: Logger
    let slots = FileRequestSlots(concurrency: Self.concurrency, backlog: Self.backlog)

    func handle(_ request: FileRequest) async {
        let result: FileResult
        if await slots.acquire() {
            switch request.operation {
            case .git, .project:
                result = await git.answer(request)
            case .list, .stat, .read, .transcript:
                result = await withCheckedContinuation { continuation in
                    DispatchQueue.global(qos: .userInitiated).async { continuation.resume(returning: handler.answer(request)) }
                }
            }
            await slots.release()
        } else {
            result = FileResult(requestId: request.requestId, error: "busy", message: "too many file requests at once; try again")
        }
        logger.info("answered a file request", metadata: [
            "request.id": "\(request.requestId)", "operation": "\(request.operation.rawValue)",
            "outcome": "\(result.error ?? "ok")", "bytes": "\(result.data?.count ?? 0)",
        ])
        do {
            try await connection.send(result)
        } catch {
            logger.warning("could not send a file result", metadata: ["request.id": "\(request.requestId)", "error": "\(error)"])
        }
    }
}

/// Counts requests running and waiting; hands free slots to waiters in arrival order.
actor FileRequestSlots {
    private let concurrency: Int
    private let backlog: Int
    private var running = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    var runningCount: Int { running }
    var waitingCount: Int { waiting.count }

    init(concurrency: Int, backlog: Int) {
        self.concurrency = concurrency
        self.backlog = backlog
    }

    /// True once a slot is held (release it); false at once when the backlog is full.
    func acquire() async -> Bool {
        if running < concurrency {
            running += 1
            return true
        }
        guard waiting.count < backlog else { return false }
        await withCheckedContinuation { waiting.append($0) }
        return true
    }

    func release() {
        if waiting.isEmpty {
            running -= 1
        } else {
            // The slot passes straight to the next waiter: `running` stays the same.
            waiting.removeFirst().resume()
        }
    }
}
