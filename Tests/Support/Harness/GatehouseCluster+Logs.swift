import Foundation

/// Waiting on what the cluster's programs log, and reading times from it.
extension GatehouseCluster {
    /// The names of the cluster's `count` executors once each has started and registered with the guard.
    public func registeredExecutors(count: Int, timeout: Duration = .seconds(20)) async throws -> [String] {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let names = programs().map(\.name).filter { $0.hasPrefix("executor") }
            let log = logs()
            if names.count == count, names.allSatisfy({ log.contains("executor registered") && log.contains("executor.id=\($0)") }) {
                return names
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw HarnessError("executors did not start and register")
    }

    /// The first non-nil answer of `probe` on the logs so far, polled until `timeout`.
    public func waitForLog<T>(timeout: Duration, _ probe: (String) -> T?) async -> T? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let value = probe(logs()) { return value }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return probe(logs())
    }

    /// The epoch-millisecond time of the last log line with `message` (and `containing`), from its timestamp.
    public static func lastTime(of message: String, in log: String, containing: String = "") -> Int64? {
        // ("x".contains("") is false, so an empty filter must be skipped, not applied.)
        let line = log.split(separator: "\n").last { $0.contains(": \(message)") && (containing.isEmpty || $0.contains(containing)) }
        guard let line, let stamp = line.split(separator: " ").first else { return nil }
        return epochMillis(fromLogTimestamp: String(stamp))
    }

    /// "2026-11-22T00:40:09.758Z" → epoch milliseconds.
    public static func epochMillis(fromLogTimestamp stamp: String) -> Int64? {
        let numbers = stamp.split(whereSeparator: { "-T:.Z".contains($0) }).compactMap { Int($0) }
        guard numbers.count == 7 else { return nil }
        var parts = tm()
        parts.tm_year = Int32(numbers[0] - 1900)
        parts.tm_mon = Int32(numbers[1] - 1)
        parts.tm_mday = Int32(numbers[2])
        parts.tm_hour = Int32(numbers[3])
        parts.tm_min = Int32(numbers[4])
        parts.tm_sec = Int32(numbers[5])
        return Int64(timegm(&parts)) * 1000 + Int64(numbers[6])
    }
}
