#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Logging
import Messages
import Synchronization
import Testing
import TestSupport
import Transport
@testable import Executor

/// `gatehouse-confine` with real plans: what a confined process tree can and cannot reach, on this kernel.
@Suite(.serialized) struct SandboxConfinementTests {
    @Test func readsAndWritesItsWorkspaceAndTemporaryDirectory() throws {
        try withLayout { layout in
            let run = try layout.confined("""
                echo in-workspace > \(layout.workspace)/f && cat \(layout.workspace)/f \
                && echo in-temp > \(layout.temporary)/g && cat \(layout.temporary)/g && mkdir \(layout.workspace)/d \
                && mv \(layout.workspace)/f \(layout.workspace)/d/f && ls \(layout.workspace)/d
                """)
            #expect(run.status == 0, "\(run.output)")
            #expect(run.output == "in-workspace\nin-temp\nf\n")
        }
    }

    @Test func cannotReadASiblingWorkspaceOrAnythingOutside() throws {
        try withLayout { layout in
            for path in ["\(layout.sibling)/secret.txt", "\(layout.root)/secret.txt"] {
                let run = try layout.confined("cat \(path)")
                #expect(run.status != 0)
                #expect(run.output.contains("Permission denied"), "\(path): \(run.output)")
            }
            let listing = try layout.confined("ls \(layout.approved)")
            #expect(listing.status != 0)
            #expect(listing.output.contains("Permission denied"))
            let home = try layout.confined("ls /root /home")
            #expect(home.status != 0)
        }
    }

    @Test func cannotWriteOutside() throws {
        try withLayout { layout in
            for target in ["\(layout.root)/outside.txt", "\(layout.sibling)/planted.txt", "\(layout.approved)/new.txt"] {
                let run = try layout.confined("echo x > \(target)")
                #expect(run.status != 0)
                #expect(run.output.contains("Permission denied"), "\(target): \(run.output)")
                #expect(!FileManager.default.fileExists(atPath: target))
            }
            let link = try layout.confined("ln -s \(layout.sibling)/secret.txt \(layout.workspace)/l && cat \(layout.workspace)/l")
            #expect(!link.output.contains("sibling secret"))
        }
    }

    @Test func connectsOnlyToAllowedTCPPorts() throws {
        let allowed = try LoopbackListener()
        let other = try LoopbackListener()
        defer {
            allowed.close()
            other.close()
        }
        try withLayout(ports: [allowed.port]) { layout in
            let yes = try layout.confined("exec 3<>/dev/tcp/127.0.0.1/\(allowed.port) && echo connected")
            #expect(yes.status == 0, "\(yes.output)")
            #expect(yes.output.contains("connected"))
            let no = try layout.confined("exec 3<>/dev/tcp/127.0.0.1/\(other.port) && echo connected")
            #expect(no.status != 0)
            #expect(!no.output.contains("connected"))
            #expect(no.output.contains("Permission denied"), "\(no.output)")
            // Listening stays possible (test suites start servers).
            let listen = try layout.confined("python3 -c 'import socket; s=socket.socket(); s.bind((\"127.0.0.1\", 0)); s.listen(); print(\"listening\")'")
            #expect(listen.output.contains("listening"), "\(listen.output)")
        }
    }

    @Test func cannotReadTheParentsEnvironmentAndLimitsAreSet() throws {
        try withLayout { layout in
            let environ = try layout.confined("cat /proc/\(getpid())/environ")
            #expect(environ.status != 0)
            let limits = try layout.confined("ulimit -c; ulimit -n; grep -E 'NoNewPrivs|CapEff|CapBnd' /proc/self/status")
            #expect(limits.output.hasPrefix("0\n8192\n"), "\(limits.output)")
            #expect(limits.output.contains("NoNewPrivs:\t1"))
            // No capabilities even when the executor runs as root (CAP_SYS_PTRACE would pass Landlock's ptrace rule).
            #expect(limits.output.contains("CapEff:\t0000000000000000"))
            #expect(limits.output.contains("CapBnd:\t0000000000000000") || getuid() != 0)
        }
    }

    @Test func failsClosedWhenThePlanCannotBeApplied() throws {
        try withLayout { layout in
            let marker = "\(layout.workspace)/ran"
            let broken = ["--rw", "/nonexistent-\(UUID().uuidString)", "--", "/bin/sh", "-c", "touch \(marker)"]
            let run = try layout.run(arguments: broken)
            #expect(run.status == SandboxExit.confinementFailed)
            #expect(run.output.hasPrefix("gatehouse-confine: cannot open /nonexistent-"))
            #expect(!FileManager.default.fileExists(atPath: marker))
            let usage = try layout.run(arguments: ["--rw"])
            #expect(usage.status == SandboxExit.usage)
            let probe = try layout.run(arguments: ["--probe"])
            #expect(probe.status == 0)
            #expect((Int(probe.output.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0) >= 1)
        }
    }

    // MARK: - The real CLI, confined

    @Test func aConfinedCLIRunCompletes() async throws {
        try await withFixture { fixture in
            let confined = try confine(fixture)
            let prompt = "hello confined \(UUID().uuidString)"
            let (outcome, _) = try await confined.run(prompt: prompt)
            #expect(outcome.ending == .completed, "\(outcome.stderrTail)")
            #expect(outcome.resultText == "Echo: \(prompt)")
        }
    }

    @Test func anAllowedBashCallCannotLeaveTheWorkspace() async throws {
        try await withFixture { fixture in
            let confined = try confine(fixture)
            let root = fixture.home.deletingLastPathComponent().path
            let outside = "\(root)/outside-\(UUID().uuidString.prefix(8)).txt"
            let sibling = fixture.workspace.appendingPathComponent("other/secret.txt").path
            let command = "echo x > \(outside); cat \(sibling); echo inside > inside.txt; echo finished"
            fixture.server.setHandler(FakeAnthropicScript.toolThenText(
                tool: "Bash", input: .object(["command": .string(command), "description": .string("escape")]),
                finalText: "tried"))
            let (outcome, _) = try await runToleratingCLISelfRejection(confined, prompt: "escape", reset: {}) { _ in .allow }

            #expect(outcome.ending == .completed, "\(outcome.stderrTail)")
            #expect(!FileManager.default.fileExists(atPath: outside))
            let results = fixture.server.requests.flatMap(\.toolResults)
            let text = results.map(\.text).joined(separator: "\n")
            #expect(text.contains("finished"), "the command ran: \(text)")
            #expect(text.components(separatedBy: "Permission denied").count - 1 >= 2, "\(text)")
            #expect(!text.contains("sibling secret"))
            #expect(FileManager.default.fileExists(atPath: confined.workspace.appendingPathComponent("inside.txt").path))
        }
    }

    /// The runner fixture, confined: approved directory = its workspace, the job's workspace `me` inside it, and a
    /// sibling workspace `other` holding a secret.
    private func confine(_ fixture: ClaudeRunnerFixture) throws -> ClaudeRunnerFixture {
        let approved = fixture.workspace
        let me = approved.appendingPathComponent("me")
        let other = approved.appendingPathComponent("other")
        for directory in [me, other] { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) }
        try "sibling secret\n".write(to: other.appendingPathComponent("secret.txt"), atomically: true, encoding: .utf8)
        let cli = JobSandbox.realPath(fixture.binary)
        let plan = try SandboxPlan.make(SandboxPlan.Inputs(
            workspace: JobSandbox.realPath(me.path), approvedDirectory: JobSandbox.realPath(approved.path),
            claudeHome: JobSandbox.realPath(fixture.home.path),
            temporaryDirectory: JobSandbox.realPath(try #require(fixture.environment["TMPDIR"])),
            cliDirectory: URL(fileURLWithPath: cli).deletingLastPathComponent().path,
            connectPorts: SandboxConnectPorts.ports(environment: fixture.environment, allowed: []),
            limits: SandboxLimits()))
        var confined = fixture
        confined.workspace = me
        confined.launcher = [try SandboxLayout.helper()] + plan.arguments
        return confined
    }

    // MARK: - The executor's start

    @Test func theExecutorRefusesToStartWithoutTheHelper() async throws {
        var configuration = ExecutorConfiguration(
            guardEndpoint: "ipc:///tmp/gh-nothing-\(UUID().uuidString.prefix(8))", executorId: "sandbox-test", host: "test",
            approvedDirectory: NSTemporaryDirectory(), claude: .init(home: NSTemporaryDirectory()))
        configuration.sandbox.helperPath = "/nonexistent/gatehouse-confine"
        let context = try ZMQContext()
        await #expect {
            try await ExecutorService(configuration: configuration, context: context, logger: Logger(label: "test")).run()
        } throws: { error in
            "\(error)".contains("no executable gatehouse-confine at /nonexistent/gatehouse-confine")
                && "\(error)".contains("EXECUTOR_SANDBOX=off")
        }
        await context.terminate()
    }

    @Test func theExecutorTellsTheGuardHowItConfines() async throws {
        try await withExecutor { harness in
            let ready = try await harness.fakeGuard.first(ExecutorReady.self, timeout: .seconds(10)) { _ in true }
            #expect(ready.confinement?.hasPrefix("landlock ") == true, "\(ready)")
        }
        try await withExecutor(sandbox: { $0.mode = .off; $0.helperPath = "/nonexistent/gatehouse-confine" }) { harness in
            let ready = try await harness.fakeGuard.first(ExecutorReady.self, timeout: .seconds(10)) { _ in true }
            #expect(ready.confinement == "off")
        }
    }
}

// MARK: - Fixtures

/// `/tmp/ghs-XXXXXX` with an approved directory holding the workspace `me` and a sibling `other`, a HOME, a
/// temporary directory and a secret outside; and a way to run shell commands confined to a plan for `me`.
struct SandboxLayout {
    let root: String
    var approved: String { root + "/projects" }
    var workspace: String { approved + "/me" }
    var sibling: String { approved + "/other" }
    var home: String { root + "/home" }
    var temporary: String { root + "/t" }
    let ports: [Int]

    static func helper() throws -> String {
        let path = BuildProducts.directory.appendingPathComponent(SandboxHelper.name).path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw SandboxHelperMissing(path: path)
        }
        return path
    }

    init(ports: [Int]) throws {
        var template = Array("/tmp/ghs-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buffer -> String? in
            guard let base = buffer.baseAddress, let made = mkdtemp(base) else { return nil }
            return String(cString: made)
        }
        root = JobSandbox.realPath(try #require(made))
        self.ports = ports
        for directory in [workspace, sibling, home, temporary] {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        try "sibling secret\n".write(toFile: sibling + "/secret.txt", atomically: true, encoding: .utf8)
        try "outside secret\n".write(toFile: root + "/secret.txt", atomically: true, encoding: .utf8)
    }

    func plan() throws -> SandboxPlan {
        try SandboxPlan.make(SandboxPlan.Inputs(
            workspace: workspace, approvedDirectory: approved, claudeHome: home, temporaryDirectory: temporary,
            cliDirectory: "/usr/bin", connectPorts: ports.isEmpty ? [443] : ports, limits: SandboxLimits()))
    }

    /// `bash -c command` under the plan, in the workspace; stdout and stderr together.
    func confined(_ command: String) throws -> (status: Int32, output: String) {
        try run(arguments: try plan().arguments + ["/bin/bash", "-c", command])
    }

    func run(arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try Self.helper())
        process.arguments = arguments
        process.environment = ["PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": home, "TMPDIR": temporary]
        process.currentDirectoryURL = URL(fileURLWithPath: workspace)
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: root)
    }
}

struct SandboxHelperMissing: Error, CustomStringConvertible {
    var path: String
    var description: String { "no \(SandboxHelper.name) at \(path); run `swift build` first" }
}

func withLayout(ports: [Int] = [], _ body: (SandboxLayout) throws -> Void) throws {
    let layout = try SandboxLayout(ports: ports)
    defer { layout.remove() }
    try body(layout)
}

/// A TCP listener on 127.0.0.1 with a port the kernel picked; connections are left in its backlog.
struct LoopbackListener {
    let descriptor: Int32
    let port: Int

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.descriptor = descriptor
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                bind(descriptor, raw, length) == 0 && listen(descriptor, 8) == 0 && getsockname(descriptor, raw, &length) == 0
            }
        }
        guard descriptor >= 0, bound else { throw PollTimedOut() }
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    func close() {
        _ = Glibc.close(descriptor)
    }
}
