import CCurl
import Foundation
import Logging
import Synchronization

/// libcurl's process-wide initialisation, run once (Swift globals are initialised exactly once, thread-safely).
let curlGlobalInitialization: CURLcode = curl_global_init(Int(CURL_GLOBAL_ALL))

/// The libcurl multi handle. Only the curl thread uses it, except `curl_multi_wakeup`, which libcurl documents as
/// callable from any thread; the engine calls it only under its lock and only while the handle is alive.
struct MultiHandle: @unchecked Sendable {
    let raw: UnsafeMutableRawPointer
}

/// What callers send to the curl thread.
enum CurlCommand: Sendable {
    case start(PendingTransfer)
    case cancel(transferID: UInt64)
    case shutdown
}

/// Owns the curl thread and its inbox. Callers enqueue commands and wake the thread; the thread does all curl work.
final class CurlEngine: Sendable {
    private struct State {
        var inbox: [CurlCommand] = []
        var accepting = true
        var finished = false
        var finishWaiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())
    private let multi: MultiHandle?
    private let logger: Logger

    init(configuration: HTTPClient.Configuration, logger: Logger) {
        self.logger = logger
        let initialization = curlGlobalInitialization
        if initialization == CURLE_OK, let raw = curl_multi_init() {
            multi = MultiHandle(raw: raw)
            _ = gh_multi_setopt_long(raw, CURLMOPT_MAX_HOST_CONNECTIONS, max(1, configuration.maxConnectionsPerHost))
            _ = gh_multi_setopt_long(raw, CURLMOPT_MAXCONNECTS, max(8, configuration.maxConnectionsPerHost * 2))
        } else {
            multi = nil
            logger.error("libcurl could not be initialised; every HTTP request will fail", metadata: [
                "curl.error": "\(String(cString: curl_easy_strerror(initialization)))",
            ])
            state.withLock {
                $0.accepting = false
                $0.finished = true
            }
        }
        if let multi {
            let thread = Thread { [self] in
                CurlWorker(multi: multi, engine: self, configuration: configuration, logger: logger).run()
            }
            thread.name = "gatehouse.curl"
            thread.start()
        }
    }

    func submit(_ transfer: PendingTransfer) {
        let accepted = state.withLock { state in
            guard state.accepting, let multi else { return false }
            state.inbox.append(.start(transfer))
            curl_multi_wakeup(multi.raw)
            return true
        }
        if !accepted {
            transfer.resume(with: .failure(.shutDown(transfer.request.method)))
        }
    }

    func cancel(transferID: UInt64) {
        send(.cancel(transferID: transferID))
    }

    func requestShutdown() {
        send(.shutdown)
    }

    func shutdown() async {
        requestShutdown()
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let alreadyFinished = state.withLock { state in
                if state.finished { return true }
                state.finishWaiters.append(continuation)
                return false
            }
            if alreadyFinished { continuation.resume() }
        }
    }

    private func send(_ command: CurlCommand) {
        state.withLock { state in
            guard state.accepting, let multi else { return }
            state.inbox.append(command)
            curl_multi_wakeup(multi.raw)
        }
    }

    // MARK: Called on the curl thread

    func takeCommands() -> [CurlCommand] {
        state.withLock { state in
            let commands = state.inbox
            state.inbox.removeAll(keepingCapacity: true)
            return commands
        }
    }

    /// Stops accepting work (so nobody wakes a handle about to be freed) and returns what was still queued.
    func closeInbox() -> [CurlCommand] {
        state.withLock { state in
            state.accepting = false
            let commands = state.inbox
            state.inbox = []
            return commands
        }
    }

    func markFinished() {
        let waiters = state.withLock { state in
            state.finished = true
            let waiters = state.finishWaiters
            state.finishWaiters = []
            return waiters
        }
        for waiter in waiters { waiter.resume() }
    }
}

extension HTTPError {
    static func shutDown(_ method: HTTPRequest.Method) -> HTTPError {
        HTTPError(code: .shutDown, message: "\(method.rawValue) request: the HTTP client is shut down")
    }

    static func cancelled(_ method: HTTPRequest.Method) -> HTTPError {
        HTTPError(code: .cancelled, message: "\(method.rawValue) request cancelled")
    }
}
