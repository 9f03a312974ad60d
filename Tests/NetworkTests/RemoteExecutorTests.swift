import Foundation
import TestSupport
import Testing

/// Executors on other "hosts": the guard in one network namespace, two executors in two others, ingress and egress
/// (and the fake Telegram and Anthropic servers) in the test's own, every ZeroMQ link over CURVE on tcp:// across
/// veth pairs. Each executor namespace reaches the guard through one link and "the internet" (the fake Anthropic
/// API) through another, as in the Compose deployment. Needs root and iproute2; skipped otherwise.
@Suite(.serialized) struct RemoteExecutorTests {
    let ann = FakeTelegramUser(id: 1001, firstName: "Ann", username: "ann")

    @Test(.enabled(if: NetworkLab.unavailableReason() == nil, "needs root and the ip command (network namespaces)"))
    func jobsRunOnRemoteExecutorsAndOnlyAdmittedKeysGetIn() async throws {
        let lab = try NetworkLab()
        defer { lab.tearDown() }
        for name in ["guard", "exa", "exb"] { try lab.addNamespace(name) }
        let front = try lab.connect(nil, "guard")
        let linkA = try lab.connect("guard", "exa")
        let linkB = try lab.connect("guard", "exb")
        let internetA = try lab.connect(nil, "exa")
        let internetB = try lab.connect(nil, "exb")

        var options = GatehouseCluster.Options()
        options.anthropicBindAddress = "0.0.0.0"
        let cluster = try await GatehouseCluster(options)
        let run = RemoteRun(lab: lab, cluster: cluster)
        do {
            try await run.scenario(front: front.b, linkA: linkA.a, linkB: linkB.a, internetA: internetA.a, internetB: internetB.a, ann: ann)
        } catch {
            run.printLogs()
            await run.stopAll()
            await cluster.stop()
            throw error
        }
        await run.stopAll()
        await cluster.stop()
    }
}

/// The programs of one run and the steps of the scenario.
final class RemoteRun {
    let lab: NetworkLab
    let cluster: GatehouseCluster
    let keys: URL
    var programs: [String: ProgramProcess] = [:]

    init(lab: NetworkLab, cluster: GatehouseCluster) {
        self.lab = lab
        self.cluster = cluster
        keys = cluster.root.appendingPathComponent("keys")
    }

    func scenario(front: String, linkA: String, linkB: String, internetA: String, internetB: String, ann: FakeTelegramUser) async throws {
        for name in ["guard", "ingress", "egress", "exa", "exb", "stranger"] {
            #expect(try cli(["keygen", "--out", keys.path, "--name", name]).status == 0)
        }
        #expect(try cli(["keygen", "--out", keys.path, "--name", "job-signing", "--signing"]).status == 0)
        let port = cluster.anthropic.baseURL.split(separator: ":").last.map(String.init) ?? ""

        try start("guard", ["guard", "--intake", "tcp://0.0.0.0:7001", "--work", "tcp://0.0.0.0:7002", "--delivery", "tcp://0.0.0.0:7003"], in: "guard", [
            "GATEHOUSE_CURVE_SECRET_KEY_FILE": key("guard.key"), "GATEHOUSE_INGRESS_KEYS": key("ingress.pub"),
            "GATEHOUSE_EGRESS_KEYS": key("egress.pub"), "GATEHOUSE_EXECUTOR_KEYS": "\(key("exa.pub")),\(key("exb.pub"))",
            "GATEHOUSE_JOB_SIGNING_KEY_FILE": key("job-signing.key"),
        ])
        try start("ingress", ["ingress"], in: nil, peer("ingress", "GATEHOUSE_INTAKE_ENDPOINT", "tcp://\(front):7001"))
        try start("egress", ["egress"], in: nil, peer("egress", "GATEHOUSE_DELIVERY_ENDPOINT", "tcp://\(front):7003"))
        try start("executor-a", ["executor"], in: "exa", executor("exa", id: "executor-a", guardAt: linkA, api: "http://\(internetA):\(port)"))
        try start("executor-b", ["executor"], in: "exb", executor("exb", id: "executor-b", guardAt: linkB, api: "http://\(internetB):\(port)"))
        let guardLog = try #require(programs["guard"])
        #expect(await guardLog.waitForLog("executor.id=executor-a"), "executor A never registered")
        #expect(await guardLog.waitForLog("executor.id=executor-b"), "executor B never registered")

        // A job runs on a remote executor, its signature checked there.
        cluster.telegram.enqueueMessage(from: ann, text: "Hello over CURVE")
        #expect(await cluster.reply(in: ann.id, containing: "Echo: Hello over CURVE") != nil, "no answer from a remote executor")
        #expect(cluster.anthropic.requests.contains { $0.lastUserText == "Hello over CURVE" })

        // Health checks ask each program whether it really works.
        for name in ["guard", "ingress", "egress", "executor-a"] {
            let role = name.hasPrefix("executor") ? "executor" : name
            // The first report is written at start ("starting"); the program says it works once it does.
            #expect(await eventually(timeout: .seconds(10)) { (try? self.cli(["health", "--role", role, "--file", self.healthFile(name)]).status) == 0 },
                    "\(name): \((try? cli(["health", "--role", role, "--file", healthFile(name)]).output) ?? "")")
        }

        // An executor with an unknown key and one without CURVE are refused and get no job.
        try start("stranger", ["executor"], in: "exb", executor("stranger", id: "executor-stranger", guardAt: linkB, api: "http://\(internetB):\(port)"))
        var plaintext = executor("exa", id: "executor-plain", guardAt: linkA, api: "http://\(internetA):\(port)")
        for name in ["GATEHOUSE_CURVE_SECRET_KEY_FILE", "GATEHOUSE_GUARD_PUBLIC_KEY_FILE", "GATEHOUSE_JOB_PUBLIC_KEY_FILE"] {
            plaintext[name] = nil
        }
        plaintext["ENVIRONMENT"] = "development"
        try start("plaintext", ["executor"], in: "exa", plaintext)
        let strangerKey = try String(contentsOfFile: key("stranger.pub"), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        func keyLine(_ key: String) -> String? {
            (try? cli(["keys", "list", "--database", cluster.databasePath]).output)?
                .split(separator: "\n").map(String.init).first { $0.contains(key) }
        }
        #expect(await eventually { keyLine(strangerKey)?.hasPrefix("pending ") ?? false }, "the unknown key was not recorded as pending")
        // A key given in GATEHOUSE_EXECUTOR_KEYS and in use shows when it was last seen.
        let keyA = try String(contentsOfFile: key("exa.pub"), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(await eventually { keyLine(keyA).map { $0.hasPrefix("accepted ") && !$0.hasSuffix("never") } ?? false },
                "executor A's key: \(keyLine(keyA) ?? "missing")")
        cluster.telegram.enqueueMessage(from: ann, text: "Second job")
        #expect(await cluster.reply(in: ann.id, containing: "Echo: Second job") != nil)
        // By now both have been knocking for seconds while admitted executors registered and ran jobs.
        #expect(!guardLog.logs().contains("executor.id=executor-stranger"))
        #expect(!guardLog.logs().contains("executor.id=executor-plain"))
        #expect(programs["stranger"].map { !$0.logs().contains("guard reachable") } ?? false, "the stranger heard from the guard")
        #expect(programs["plaintext"].map { !$0.logs().contains("guard reachable") } ?? false, "the plaintext client heard from the guard")
        #expect(!lines(of: guardLog, containing: "job dispatched").contains { $0.contains("executor-stranger") || $0.contains("executor-plain") })

        // An admin accepts the key by its hex fingerprint (safe to type): the executor, still asking, gets in by
        // itself, without a restart.
        let fingerprint = try #require(keyLine(strangerKey)?.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first)
        #expect(fingerprint.count == 16 && fingerprint.allSatisfy(\.isHexDigit), "fingerprint \(fingerprint)")
        #expect(programs["stranger"]?.logs().contains("key.fingerprint=\(fingerprint)") == true, "the refused executor did not say its fingerprint")
        #expect(guardLog.logs().contains("key.fingerprint=\(fingerprint)"), "the guard did not log the knocking key's fingerprint")
        #expect(try cli(["keys", "accept", String(fingerprint.prefix(8)), "--database", cluster.databasePath]).status == 0)
        #expect(await guardLog.waitForLog("executor.id=executor-stranger", timeout: .seconds(30)), "an accepted key was not admitted")
        #expect(try cli(["keys", "list", "--database", cluster.root.appendingPathComponent("nope.sqlite").path]).status != 0,
                "keys accepted into a database the guard does not use")
        // Revoked: cut off while connected, then presumed dead.
        // After `--`: a Z85 key may begin with "-", which would read as an option.
        #expect(try cli(["keys", "revoke", "--database", cluster.databasePath, "--", String(strangerKey.prefix(10))]).status == 0)
        #expect(await guardLog.waitForLog("refused a message from a peer not admitted on this link"))
        #expect(await eventually { self.lines(of: guardLog, containing: "executor presumed dead").contains { $0.contains("executor-stranger") } })
        await programs["stranger"]?.stop()
        await programs["plaintext"]?.stop()
        let stoppedHealth = try cli(["health", "--role", "executor", "--file", healthFile("stranger")])
        #expect(stoppedHealth.status == 1, "a stopped program was reported healthy")

        // Killing the executor running a job that has changed nothing: the job runs again on the other (its first
        // request to the model hangs; the one after the restart is answered), the user gets the answer, no notice.
        let anthropic = cluster.anthropic
        cluster.anthropic.setHandler { request in
            let slowRuns = anthropic.requests.filter { $0.lastUserText == "Slow job" }.count
            return request.lastUserText == "Slow job" && slowRuns == 1
                ? .delayed(.seconds(20), .text("too late")) : .text("Echo: \(request.lastUserText ?? "")")
        }
        cluster.telegram.enqueueMessage(from: ann, text: "Slow job")
        #expect(await eventually { self.cluster.anthropic.requests.contains { $0.lastUserText == "Slow job" } })
        let dispatch = try #require(lines(of: guardLog, containing: "job dispatched").last)
        let (victim, survivor) = dispatch.contains("executor-a") ? ("executor-a", "executor-b") : ("executor-b", "executor-a")
        await programs[victim]?.crash()
        #expect(await cluster.reply(in: ann.id, containing: "Echo: Slow job", timeout: .seconds(20)) != nil, "the job was not run again")
        #expect(lines(of: guardLog, containing: "job dispatched").last.map { $0.contains(survivor) && $0.contains("attempt=2") } == true)
        cluster.telegram.enqueueMessage(from: ann, text: "After the crash")
        #expect(await cluster.reply(in: ann.id, containing: "Echo: After the crash") != nil)
        #expect(lines(of: guardLog, containing: "job dispatched").last?.contains(survivor) == true)
        #expect(cluster.telegram.messages(inChat: ann.id).filter { ($0.plainText ?? "").contains("interrupted") }.isEmpty)
        #expect(cluster.leakedSecrets().isEmpty)
        let secretKeys = try ["guard", "exa", "exb", "stranger", "ingress", "egress"].map {
            try String(contentsOfFile: key("\($0).key"), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        for program in programs.values {
            #expect(!secretKeys.contains { program.logs().contains($0) }, "a secret key in \(program.name)'s log")
        }
    }

    // MARK: - Helpers

    func key(_ file: String) -> String { keys.appendingPathComponent(file).path }

    func healthFile(_ name: String) -> String { cluster.root.appendingPathComponent("\(name).health").path }

    func peer(_ name: String, _ endpointVariable: String, _ endpoint: String) -> [String: String] {
        [
            endpointVariable: endpoint, "GATEHOUSE_CURVE_SECRET_KEY_FILE": key("\(name).key"),
            "GATEHOUSE_GUARD_PUBLIC_KEY_FILE": key("guard.pub"),
        ]
    }

    func executor(_ keyName: String, id: String, guardAt address: String, api: String) -> [String: String] {
        var env = peer(keyName, "GATEHOUSE_WORK_ENDPOINT", "tcp://\(address):7002")
        env["EXECUTOR_ID"] = id
        env["GATEHOUSE_JOB_PUBLIC_KEY_FILE"] = key("job-signing.pub")
        env["ANTHROPIC_BASE_URL"] = api
        return env
    }

    func start(_ name: String, _ arguments: [String], in namespace: String?, _ extra: [String: String]) throws {
        var env = cluster.environment
        env["GATEHOUSE_HEALTH_FILE"] = healthFile(name)
        env.merge(extra) { _, new in new }
        for (key, value) in extra where value.isEmpty { env[key] = nil }
        programs[name] = try ProgramProcess(
            name: name, arguments: arguments, environment: env, prefix: lab.exec(in: namespace), logDirectory: cluster.root)
    }

    func cli(_ arguments: [String]) throws -> (status: Int32, output: String) {
        try GatehouseCommand.run(arguments)
    }

    func lines(of program: ProgramProcess, containing text: String) -> [String] {
        program.logs().split(separator: "\n").map(String.init).filter { $0.contains(text) }
    }

    func eventually(timeout: Duration = .seconds(20), _ condition: @escaping () -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(200))
        }
        return condition()
    }

    func stopAll() async {
        for program in programs.values { await program.stop() }
    }

    func printLogs() {
        for program in programs.values.sorted(by: { $0.name < $1.name }) {
            FileHandle.standardError.write(Data("--- \(program.name) log tail ---\n\(program.logs().suffix(4_000))\n".utf8))
        }
    }
}
