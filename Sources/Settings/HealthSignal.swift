import Foundation
import Messages
import Synchronization

/// Whether a program is really working, as the program itself sees it (the guard: its loop turns; the others: the
/// guard answers their heartbeats). Written to a small file every few seconds (`HealthFile`), which
/// `gatehouse health` reads for container health checks: a hung or disconnected program goes unhealthy.
public final class HealthSignal: Sendable {
    public struct Status: Sendable, Equatable {
        public var ok: Bool
        public var detail: String
    }

    private struct State {
        var link: Status
        /// Problems other parts of the program report (e.g. Telegram refusing the token), by source: any one makes
        /// the program unhealthy whatever its link to the guard says.
        var problems: [String: String] = [:]
    }

    private let state: Mutex<State>

    public init(ok: Bool = false, detail: String = "starting") {
        state = Mutex(State(link: Status(ok: ok, detail: detail)))
    }

    public func set(ok: Bool, detail: String) {
        state.withLock { $0.link = Status(ok: ok, detail: detail) }
    }

    /// Reports (or, with nil, clears) a problem of one part of the program.
    public func report(problem: String?, from source: String) {
        state.withLock { $0.problems[source] = problem }
    }

    public var status: Status {
        state.withLock { state in
            guard !state.problems.isEmpty else { return state.link }
            let problems = state.problems.keys.sorted().compactMap { state.problems[$0] }
            return Status(ok: false, detail: (problems + [state.link.detail]).joined(separator: "; "))
        }
    }
}

/// The health file: one JSON object `{"ok":…,"detail":…,"at":<epoch ms>}`, replaced atomically. Lives on a
/// writable tmpfs (`/tmp` by default), so it works with a read-only root filesystem.
public enum HealthFile {
    public static func defaultPath(program: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let path = environment["GATEHOUSE_HEALTH_FILE"], !path.isEmpty { return path }
        return (environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp") + "/gatehouse-\(program).health"
    }

    struct Record: Codable {
        var ok: Bool
        var detail: String
        var at: EpochMillis
    }

    public static func write(_ status: HealthSignal.Status, to path: String, now: Date = Date()) throws {
        let record = Record(ok: status.ok, detail: status.detail, at: now.epochMillis)
        try JSONEncoder().encode(record).write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    /// What the program last said about itself ("deciding; Telegram unreachable for 40 s …"), healthy or not.
    public static func detail(at path: String) -> String? {
        FileManager.default.contents(atPath: path).flatMap { try? JSONDecoder().decode(Record.self, from: $0) }?.detail
    }

    /// nil when healthy; otherwise why not.
    public static func problem(at path: String, maxAge: Duration, now: Date = Date()) -> String? {
        guard let data = FileManager.default.contents(atPath: path) else {
            return "no health file at \(path): the program is not running, or not yet started"
        }
        guard let record = try? JSONDecoder().decode(Record.self, from: data) else { return "unreadable health file \(path)" }
        let age = now.epochMillis - record.at
        let limit = maxAge.components.seconds * 1000
        if age > limit { return "stale: last report \(age / 1000) s ago (the program is stuck or gone)" }
        return record.ok ? nil : "not working: \(record.detail)"
    }
}
