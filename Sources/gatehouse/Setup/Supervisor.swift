import Foundation
import Logging
import Subprocess
import Synchronization
import SystemPackage

struct ChildSpec: Sendable {
    var name: String
    var arguments: [String]
    var environment: [String: String]
}

/// Keeps the programs of `gatehouse up` running: starts each, restarts one that dies (1 s, 2 s, 4 s … up to 30 s
/// between attempts; the delay resets after a minute of healthy running), and on stop sends the signal to all and
/// waits for them to drain.
final class Supervisor: Sendable {
    private let binary: String
    private let logger: Logger
    private let state = Mutex<State>(State())

    private struct State {
        var stopping = false
        var pids: [String: pid_t] = [:]
    }

    init(binary: String, logger: Logger) {
        self.binary = binary
        self.logger = logger
    }

    func run(_ children: [ChildSpec]) async {
        await withTaskGroup(of: Void.self) { group in
            for child in children {
                group.addTask { await self.keepRunning(child) }
                // Start the guard first so the others find its endpoints at once.
                if child.name == "guard" { try? await Task.sleep(for: .milliseconds(50)) }
            }
        }
    }

    func stop(signal: Int32) async {
        let pids = state.withLock { state -> [pid_t] in
            state.stopping = true
            return Array(state.pids.values)
        }
        for pid in pids { kill(pid, signal) }
    }

    private var stopping: Bool { state.withLock { $0.stopping } }

    private func keepRunning(_ child: ChildSpec) async {
        var delay: Duration = .seconds(1)
        while !stopping {
            let started = ContinuousClock.now
            let status = await runOnce(child)
            if stopping { break }
            if ContinuousClock.now - started > .seconds(60) { delay = .seconds(1) }
            logger.error("program died; restarting", metadata: [
                "child": "\(child.name)", "status": "\(status)", "restart.in": "\(delay)",
            ])
            try? await Task.sleep(for: delay)
            delay = min(delay * 2, .seconds(30))
        }
    }

    private func runOnce(_ child: ChildSpec) async -> String {
        do {
            let environment = Environment.custom(
                Dictionary(uniqueKeysWithValues: child.environment.map { (Environment.Key(stringLiteral: $0.key), $0.value) }))
            let result = try await Subprocess.run(
                .path(FilePath(binary)), arguments: Arguments(child.arguments), environment: environment,
                input: .none, output: .sequence, error: .currentStandardError
            ) { execution in
                let pid = execution.processIdentifier.value
                let stopNow = state.withLock { state -> Bool in
                    state.pids[child.name] = pid
                    return state.stopping
                }
                if stopNow { kill(pid, SIGTERM) }
                logger.info("program started", metadata: ["child": "\(child.name)", "pid": "\(pid)"])
                // Programs log to stderr; stdout closes when the program exits.
                for try await _ in execution.standardOutput {}
            }
            state.withLock { _ = $0.pids.removeValue(forKey: child.name) }
            return "\(result.terminationStatus)"
        } catch {
            state.withLock { _ = $0.pids.removeValue(forKey: child.name) }
            return "could not start: \(error)"
        }
    }
}
