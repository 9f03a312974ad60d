#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import Executor
import Foundation

/// What `gatehouse-confine` adds to every CLI start: `/bin/true` spawned directly, then through the trampoline
/// with a realistic plan (workspace, HOME, temporary directory, CLI directory, system directories, devices, two
/// ports, the default limits), each run to its exit.
struct ConfineBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "confine", abstract: "Start cost of the sandbox trampoline (gatehouse-confine).")

    @Option(help: "Starts of each kind.") var runs = 200
    @Option(help: "The gatehouse-confine to measure (default: next to this binary).") var helper: String?

    func run() async throws {
        let report = try Self.measure(runs: runs, helper: helper)
        report.print()
        if report.missed > 0 { throw ExitCode(1) }
    }

    static func measure(runs: Int, helper: String? = nil) throws -> BenchReport {
        let helper = helper ?? URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("gatehouse-confine").path
        guard FileManager.default.isExecutableFile(atPath: helper) else {
            throw ValidationError("no gatehouse-confine at \(helper); build it with `swift build -c release --product gatehouse-confine`")
        }
        let root = "/tmp/ghb-" + String(UUID().uuidString.prefix(8)).lowercased()
        defer { try? FileManager.default.removeItem(atPath: root) }
        for directory in ["projects/111", "home", "t"] {
            try FileManager.default.createDirectory(atPath: "\(root)/\(directory)", withIntermediateDirectories: true)
        }
        let plan = try SandboxPlan.make(SandboxPlan.Inputs(
            workspace: "\(root)/projects/111", approvedDirectory: "\(root)/projects", claudeHome: "\(root)/home",
            temporaryDirectory: "\(root)/t", cliDirectory: "/usr/bin", connectPorts: [443, 3128], limits: SandboxLimits()))
        let direct = ["/bin/true"]
        let confined = [helper] + plan.arguments + ["/bin/true"]
        // Warm both paths up (page cache, dynamic loader), then alternate so drift hits both alike.
        for _ in 0..<10 {
            _ = try spawnAndWait(direct)
            _ = try spawnAndWait(confined)
        }
        var directSamples: [Double] = []
        var confinedSamples: [Double] = []
        for _ in 0..<runs {
            directSamples.append(try spawnAndWait(direct))
            confinedSamples.append(try spawnAndWait(confined))
        }
        let plain = Percentiles(directSamples)
        let through = Percentiles(confinedSamples)
        let added50 = through.p50 - plain.p50
        let added99 = through.p99 - plain.p99
        var report = BenchReport(title: "Sandbox trampoline start cost (\(runs) starts each, posix_spawn → exit)")
        report.notes = [
            "direct: posix_spawn /bin/true and wait for its exit; confined: the same through gatehouse-confine with a",
            "plan of \(plan.readWrite.count) read-write, \(plan.readOnly.count + plan.readOnlyIfExists.count) read-only paths, \(plan.readWriteIfExists.count) devices, \(plan.connectPorts.count) ports and the default limits (Landlock ABI \(probe(helper))).",
        ]
        report.rows = [
            BenchRow(name: "direct p50 / p99", target: "", measured: "\(milliseconds(plain.p50)) / \(milliseconds(plain.p99))", met: nil),
            BenchRow(name: "confined p50 / p99", target: "", measured: "\(milliseconds(through.p50)) / \(milliseconds(through.p99))", met: nil),
            BenchRow(name: "added by confinement p50", target: "≤ 2 ms", measured: milliseconds(added50), met: added50 <= 2),
            BenchRow(name: "added by confinement p99", target: "", measured: milliseconds(added99), met: nil),
        ]
        return report
    }

    /// Milliseconds from posix_spawn to the child's exit; the child must exit 0.
    static func spawnAndWait(_ argv: [String]) throws -> Double {
        var cArguments: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { for pointer in cArguments { free(pointer) } }
        var environment: [UnsafeMutablePointer<CChar>?] = [strdup("PATH=/usr/bin:/bin"), nil]
        defer { for pointer in environment { free(pointer) } }
        var pid: pid_t = 0
        let start = ContinuousClock.now
        let spawned = posix_spawn(&pid, argv[0], nil, nil, &cArguments, &environment)
        guard spawned == 0 else { throw ValidationError("posix_spawn \(argv[0]) failed: \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let elapsed = ContinuousClock.now - start
        guard status == 0 else { throw ValidationError("\(argv[0]) exited with wait status \(status)") }
        return Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1_000
    }

    static func probe(_ helper: String) -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: helper)
        process.arguments = ["--probe"]
        let pipe = Pipe()
        process.standardOutput = pipe
        guard (try? process.run()) != nil else { return "?" }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
