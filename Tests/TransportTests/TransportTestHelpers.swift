import Foundation
import Logging
import Synchronization
@testable import Transport

/// A unique ipc endpoint under /tmp.
func uniqueIPCEndpoint() -> String { "ipc:///tmp/gh-test-\(UUID().uuidString).sock" }

/// libzmq 4.3 leaves the socket file of an explicit ipc path behind on close: tests clean up after themselves.
func removeSocketFile(_ endpoint: String) {
    if let path = Endpoint.ipcPath(endpoint) { unlink(path) }
}

func testLogger(_ label: String = "transport-test") -> Logger {
    var logger = Logger(label: label)
    logger.logLevel = .warning
    return logger
}

/// Drains an AsyncStream into memory so tests can wait for conditions with a deadline.
final class Collector<Element: Sendable>: Sendable {
    private struct State {
        var items: [Element] = []
        var finished = false
    }
    private let state = Mutex(State())

    init(_ stream: AsyncStream<Element>) {
        Task { [self] in
            for await item in stream { state.withLock { $0.items.append(item) } }
            state.withLock { $0.finished = true }
        }
    }

    var items: [Element] { state.withLock { $0.items } }
    var isFinished: Bool { state.withLock { $0.finished } }

    /// Waits until at least `count` items arrived (or the deadline passed) and returns what arrived.
    func waitFor(count: Int, timeout: Duration = .seconds(5)) async -> [Element] {
        _ = await eventually(timeout: timeout) { self.items.count >= count }
        return items
    }
}

/// Polls `condition` until it holds or `timeout` passes; returns whether it held.
func eventually(timeout: Duration = .seconds(5), _ condition: @Sendable () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(5))
    }
    return condition()
}

/// Runs `body` and returns the TransportError it threw, or nil.
func transportError(_ body: () async throws(TransportError) -> Void) async -> TransportError? {
    do {
        try await body()
        return nil
    } catch {
        return error
    }
}

/// Records log lines in memory (level + rendered message + metadata).
final class LogCapture: Sendable {
    struct Line: Sendable {
        let level: Logger.Level
        let text: String
    }
    private let lines = Mutex<[Line]>([])
    var all: [Line] { lines.withLock { $0 } }
    func append(_ line: Line) { lines.withLock { $0.append(line) } }

    func logger() -> Logger {
        Logger(label: "capture") { _ in CapturingHandler(capture: self) }
    }
}

struct CapturingHandler: LogHandler {
    let capture: LogCapture
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var merged = metadata
        merged.merge(event.metadata ?? [:]) { $1 }
        let rendered = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        capture.append(.init(level: event.level, text: "\(event.message) \(rendered)"))
    }
}
