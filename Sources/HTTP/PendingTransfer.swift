import Synchronization

/// A request handed to the curl thread, with the continuation of the task waiting for it.
struct PendingTransfer: Sendable {
    let id: UInt64
    let request: HTTPRequest
    let ticket: CancellationTicket
    let continuation: CheckedContinuation<Result<HTTPResponse, HTTPError>, Never>

    func resume(with result: Result<HTTPResponse, HTTPError>) {
        continuation.resume(returning: result)
    }
}

/// Set when the caller's task is cancelled, read by the curl thread when it picks the transfer up.
final class CancellationTicket: Sendable {
    private let flag = Atomic<Bool>(false)
    func cancel() { flag.store(true, ordering: .releasing) }
    var isCancelled: Bool { flag.load(ordering: .acquiring) }
}
