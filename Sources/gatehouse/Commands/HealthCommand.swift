import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import Settings

/// The running program's own health signal (one program per process).
enum ProgramHealth {
    static let signal = HealthSignal()
}

/// Writes the program's health signal to its health file every second while the program runs, and removes it on
/// the way out, so a stopped program is never reported healthy.
struct HealthBeacon: Service {
    let signal: HealthSignal
    let path: String
    let logger: Logger

    func run() async throws {
        var warned = false
        func write() {
            do {
                try HealthFile.write(signal.status, to: path)
            } catch {
                guard !warned else { return }
                warned = true
                logger.warning("cannot write the health file", metadata: ["path": "\(path)", "error": "\(error)"])
            }
        }
        write()
        // The wait ends at once on shutdown: the file goes as soon as the program's turn to stop comes.
        await Periodic.run(every: .seconds(1)) { write() }
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// `gatehouse health --role guard`: exit 0 if that program on this host (container) reported itself working in
/// the last `--max-age` seconds, 1 otherwise. For Compose and Swarm health checks.
struct HealthCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "health", abstract: "Check that a program on this host is running and really working.")

    @Option(help: "guard, ingress, executor, egress or webhooks.")
    var role: String
    @Option(help: "The health file (default: GATEHOUSE_HEALTH_FILE, or $TMPDIR/gatehouse-ROLE.health).")
    var file: String?
    @Option(help: "Seconds after which a report is stale.")
    var maxAge: Int = 10

    func run() throws {
        guard ["guard", "ingress", "executor", "egress", "webhooks"].contains(role) else {
            throw ValidationError("--role must be guard, ingress, executor, egress or webhooks")
        }
        let path = file ?? HealthFile.defaultPath(program: role)
        if let problem = HealthFile.problem(at: path, maxAge: .seconds(maxAge)) {
            FileHandle.standardError.write(Data("\(role): unhealthy: \(problem)\n".utf8))
            throw ExitCode(1)
        }
        print("\(role): healthy" + (HealthFile.detail(at: path).map { " (\($0))" } ?? ""))
    }
}
