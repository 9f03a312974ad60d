import CCurl
import Logging

/// The loop run by the curl thread: picks up commands, drives the multi handle, completes finished transfers.
/// Everything in here (transfers, easy handles, the multi handle) is confined to that one thread.
final class CurlWorker {
    private let multi: MultiHandle
    private let engine: CurlEngine
    private let configuration: HTTPClient.Configuration
    private let logger: Logger
    private var active: [UInt64: CurlTransfer] = [:]
    private var idByHandle: [UnsafeMutableRawPointer: UInt64] = [:]

    /// Upper bound on one wait; curl shortens it when one of its own timers is due sooner.
    private static let pollIntervalMilliseconds: Int32 = 1000

    init(multi: MultiHandle, engine: CurlEngine, configuration: HTTPClient.Configuration, logger: Logger) {
        self.multi = multi
        self.engine = engine
        self.configuration = configuration
        self.logger = logger
    }

    func run() {
        logger.debug("HTTP client thread started")
        var stopping = false
        while !stopping {
            for command in engine.takeCommands() {
                switch command {
                case .start(let pending): start(pending)
                case .cancel(let id): abort(id, with: .cancelled)
                case .shutdown: stopping = true
                }
            }
            if stopping { break }
            var running: Int32 = 0
            let performed = curl_multi_perform(multi.raw, &running)
            if performed != CURLM_OK {
                logger.error("curl_multi_perform failed", metadata: ["curl.error": "\(String(cString: curl_multi_strerror(performed)))"])
            }
            completeFinishedTransfers()
            _ = curl_multi_poll(multi.raw, nil, 0, Self.pollIntervalMilliseconds, nil)
        }
        stop()
    }

    private func start(_ pending: PendingTransfer) {
        let method = pending.request.method
        if pending.ticket.isCancelled {
            pending.resume(with: .failure(.cancelled(method)))
            return
        }
        let transfer: CurlTransfer
        switch CurlTransfer.make(pending, configuration: configuration) {
        case .success(let made): transfer = made
        case .failure(let error):
            pending.resume(with: .failure(error))
            return
        }
        let added = curl_multi_add_handle(multi.raw, transfer.easy)
        guard added == CURLM_OK else {
            let message = String(cString: curl_multi_strerror(added))
            transfer.release()
            pending.resume(with: .failure(HTTPError(code: .transport, message: "\(method.rawValue) request: \(message)")))
            return
        }
        active[pending.id] = transfer
        idByHandle[transfer.easy] = pending.id
    }

    private func abort(_ id: UInt64, with code: HTTPError.Code) {
        guard let transfer = active[id] else { return }  // already finished, or not picked up yet (ticket covers it)
        let method = transfer.pending.request.method
        let error: HTTPError = code == .cancelled ? .cancelled(method) : .shutDown(method)
        finish(id, transfer, with: .failure(error))
    }

    private func completeFinishedTransfers() {
        var remaining: Int32 = 0
        while let message = curl_multi_info_read(multi.raw, &remaining) {
            guard message.pointee.msg == CURLMSG_DONE,
                  let easy = message.pointee.easy_handle,
                  let id = idByHandle[easy],
                  let transfer = active[id] else { continue }
            let code = message.pointee.data.result
            finish(id, transfer, with: transfer.outcome(of: code))
        }
    }

    private func finish(_ id: UInt64, _ transfer: CurlTransfer, with result: Result<HTTPResponse, HTTPError>) {
        curl_multi_remove_handle(multi.raw, transfer.easy)
        active[id] = nil
        idByHandle[transfer.easy] = nil
        transfer.release()
        if case .failure(let error) = result {
            logger.debug("HTTP transfer failed", metadata: [
                "http.method": "\(transfer.pending.request.method.rawValue)",
                "http.error.code": "\(error.code)",
                "http.error": "\(error.message)",
            ])
        }
        transfer.pending.resume(with: result)
    }

    private func stop() {
        for command in engine.closeInbox() {
            if case .start(let pending) = command {
                pending.resume(with: .failure(.shutDown(pending.request.method)))
            }
        }
        if !active.isEmpty {
            logger.info("HTTP client shutting down; aborting in-flight transfers", metadata: ["http.in_flight": "\(active.count)"])
        }
        for (id, transfer) in active {
            finish(id, transfer, with: .failure(.shutDown(transfer.pending.request.method)))
        }
        curl_multi_cleanup(multi.raw)
        logger.debug("HTTP client thread stopped")
        engine.markFinished()
    }
}
