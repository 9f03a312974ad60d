import Testing
@testable import Executor

/// The sandbox plan's decisions, without starting anything (the confinement itself is tested in ExecutorTests).
@Suite struct SandboxPlanTests {
    private func inputs(
        workspace: String = "/srv/projects/111", home: String = "/var/lib/gatehouse/claude-home"
    ) -> SandboxPlan.Inputs {
        SandboxPlan.Inputs(
            workspace: workspace, approvedDirectory: "/srv/projects", claudeHome: home,
            temporaryDirectory: "/tmp/gh-1a2b3c4d/9f8e7d6c", cliDirectory: "/usr/local/bin",
            connectPorts: [443, 8080, 443], limits: SandboxLimits())
    }

    @Test func grantsTheWorkspaceHomeAndTempReadWriteAndTheCLIReadOnly() throws {
        let plan = try SandboxPlan.make(inputs())
        #expect(plan.readWrite == ["/srv/projects/111", "/var/lib/gatehouse/claude-home", "/tmp/gh-1a2b3c4d/9f8e7d6c"])
        #expect(plan.readOnly == ["/usr/local/bin"])
        #expect(plan.readOnlyIfExists.contains("/usr"))
        #expect(plan.readOnlyIfExists.contains("/etc"))
        #expect(plan.readWriteIfExists.contains("/dev/null"))
        #expect(!plan.readWriteIfExists.contains("/dev/shm"))
        #expect(plan.connectPorts == [443, 8080])
    }

    @Test func argumentsAreTheTrampolinesOptionsEndingWithTheSeparator() throws {
        let arguments = try SandboxPlan.make(inputs()).arguments
        #expect(arguments.last == "--")
        #expect(Array(arguments.prefix(2)) == ["--rw", "/srv/projects/111"])
        #expect(arguments.contains("--connect-port"))
        // Every option takes one value: flags and values alternate up to the separator.
        let options = arguments.dropLast()
        #expect(options.count % 2 == 0)
        for (index, item) in options.enumerated() where index % 2 == 0 { #expect(item.hasPrefix("--")) }
        // Nothing of the approved directory but the workspace.
        #expect(!arguments.contains("/srv/projects"))
        #expect(!arguments.contains("/srv"))
    }

    @Test func limitsBecomeOptionsAndAbsentOnesAreLeftOut() {
        var limits = SandboxLimits()
        #expect(limits.arguments.contains("--nproc"))
        #expect(limits.arguments.contains("--data"))
        #expect(!limits.arguments.contains("--as"))
        limits.processes = nil
        limits.addressSpaceBytes = 1 << 32
        #expect(!limits.arguments.contains("--nproc"))
        #expect(Array(limits.arguments.suffix(2)) == ["--as", "4294967296"])
    }

    @Test func sharedWorkspaceIsTheApprovedDirectoryItself() throws {
        let plan = try SandboxPlan.make(inputs(workspace: "/srv/projects"))
        #expect(plan.readWrite.first == "/srv/projects")
    }

    @Test func refusesAWorkspaceOutsideTheApprovedDirectory() {
        #expect(throws: SandboxPlanError.workspaceOutsideApprovedDirectory(workspace: "/srv/projects-evil/1")) {
            try SandboxPlan.make(inputs(workspace: "/srv/projects-evil/1"))
        }
    }

    @Test func refusesAHomeThatWouldOpenTheApprovedDirectory() {
        for home in ["/srv", "/srv/projects", "/srv/projects/222", "/"] {
            #expect(throws: SandboxPlanError.self, "home \(home)") { try SandboxPlan.make(inputs(home: home)) }
        }
    }

    @Test func refusesSystemPathsThatHoldTheApprovedDirectory() {
        var risky = inputs()
        risky.approvedDirectory = "/opt/projects"
        risky.workspace = "/opt/projects/1"
        #expect(throws: SandboxPlanError.grantOverlapsApprovedDirectory(
            name: "system path", path: "/opt", approved: "/opt/projects")) { try SandboxPlan.make(risky) }
    }

    @Test func refusesGrantsThatReachAProtectedPath() {
        var risky = inputs(home: "/home/ops")
        risky.protectedPaths = ["/home/ops/gatehouse/data"]
        #expect(throws: SandboxPlanError.grantOverlapsProtectedPath(
            name: "CLI home", path: "/home/ops", protected: "/home/ops/gatehouse/data")) { try SandboxPlan.make(risky) }
        var inside = inputs()
        inside.protectedPaths = ["/var/lib/gatehouse/claude-home/keys/executor.key"]
        #expect(throws: SandboxPlanError.self) { try SandboxPlan.make(inside) }
        var apart = inputs()
        apart.protectedPaths = ["/run/secrets/anthropic_api_key", "/srv/data"]
        #expect(throws: Never.self) { try SandboxPlan.make(apart) }
    }

    @Test func refusesRelativeOrUnnormalizedPathsAndBadPorts() {
        #expect(throws: SandboxPlanError.self) { try SandboxPlan.make(inputs(workspace: "/srv/projects/../etc")) }
        #expect(throws: SandboxPlanError.self) { try SandboxPlan.make(inputs(home: "home")) }
        #expect(throws: SandboxPlanError.self) { try SandboxPlan.make(inputs(home: "/var/lib//claude")) }
        var ports = inputs()
        ports.connectPorts = [0]
        #expect(throws: SandboxPlanError.badPort(0)) { try SandboxPlan.make(ports) }
    }

    @Test func pathContainmentIsByWholeComponents() {
        #expect(SandboxPlan.contains("/srv/projects", "/srv/projects/1"))
        #expect(SandboxPlan.contains("/srv/projects", "/srv/projects"))
        #expect(!SandboxPlan.contains("/srv/projects", "/srv/projects2"))
        #expect(SandboxPlan.contains("/", "/anything"))
    }

    @Test func connectPortsAreTheProxiesOrElseTheEndpointPlusTheCallers() {
        #expect(SandboxConnectPorts.ports(environment: [:], allowed: []) == [443])
        #expect(SandboxConnectPorts.ports(environment: ["ANTHROPIC_BASE_URL": "http://127.0.0.1:41234"], allowed: [3128])
            == [3128, 41234])
        #expect(SandboxConnectPorts.ports(
            environment: ["ANTHROPIC_BASE_URL": "https://gateway.example", "HTTPS_PROXY": "http://proxy:8888", "http_proxy": "http://p"],
            allowed: []) == [80, 8888], "with a proxy, the API is reached through it: its own port stays closed")
        #expect(SandboxConnectPorts.ports(
            environment: ["ANTHROPIC_BASE_URL": "http://127.0.0.1:41234", "HTTPS_PROXY": "http://job:n@127.0.0.1:39001"],
            allowed: []) == [39001])
        #expect(SandboxConnectPorts.port(of: "not a url") == nil)
    }

    @Test func statusLabelsAreWhatTheGuardShows() {
        #expect(SandboxStatus.landlock(abi: 7, helper: "/x").label == "landlock 7")
        #expect(SandboxStatus.off.label == "off")
    }

    @Test func helperFailuresAreExplainedFromItsOwnLine() {
        let tail = "some CLI noise\ngatehouse-confine: cannot open /srv/w: No such file or directory\n"
        #expect(SandboxExit.explanation(exitStatus: 121, stderrTail: tail)
            == "gatehouse-confine: cannot open /srv/w: No such file or directory")
        #expect(SandboxExit.explanation(exitStatus: 1, stderrTail: tail) == nil)
        #expect(SandboxExit.explanation(exitStatus: 122, stderrTail: "") == "gatehouse-confine exited with 122")
    }
}
