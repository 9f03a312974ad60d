import Foundation

/// The programs `gatehouse up` is running, found through /proc, so that tests can kill one at a time.
extension GatehouseCluster {
    public struct Program: Equatable, CustomStringConvertible {
        /// "guard", "ingress", "egress", or the executor's EXECUTOR_ID.
        public var name: String
        public var pid: Int32
        public var description: String { "\(name)(\(pid))" }
    }

    public var supervisorPid: Int32? { runningProcess?.processIdentifier }

    /// The live children of `gatehouse up`.
    public func programs() -> [Program] {
        guard let parent = supervisorPid else { return [] }
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int32.init).compactMap { pid -> Program? in
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { return nil }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 2, Int32(fields[1]) == parent, fields[0] != "Z" else { return nil }
            guard let cmdline = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return nil }
            let arguments = cmdline.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            guard arguments.count >= 2 else { return nil }
            let role = arguments[1]
            guard role == "executor" else { return Program(name: role, pid: pid) }
            let environ = FileManager.default.contents(atPath: "/proc/\(pid)/environ") ?? Data()
            let id = environ.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
                .first { $0.hasPrefix("EXECUTOR_ID=") }?.dropFirst("EXECUTOR_ID=".count)
            return Program(name: id.map(String.init) ?? role, pid: pid)
        }.sorted { $0.name < $1.name }
    }

    public func program(named name: String) -> Program? {
        programs().first { $0.name == name }
    }

    /// SIGKILLs the named program (as a crash would). Returns false if it was not running.
    @discardableResult
    public func crash(_ name: String) -> Bool {
        guard let program = program(named: name) else { return false }
        return kill(program.pid, SIGKILL) == 0
    }

    /// Waits until all `names` are running (restarted by `gatehouse up` after a crash, for example).
    public func waitForPrograms(_ names: [String], timeout: Duration = .seconds(30)) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let running = Set(programs().map(\.name))
            if names.allSatisfy(running.contains) { return true }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return false
    }
}
