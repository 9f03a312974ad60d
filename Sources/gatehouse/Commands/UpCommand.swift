import ArgumentParser
import Foundation
import Logging
import Settings
import UnixSignals

/// `gatehouse up`: the four programs on this host (and the webhook receiver with `ENABLE_API_SERVER=true`), over private ipc:// endpoints. Each child gets only the
/// environment its role needs (no secret it does not use), is restarted with backoff if it dies, and receives
/// SIGTERM/SIGINT when `up` does.
struct UpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "up", abstract: "Run ingress, guard, one executor and egress on this host (and the webhook receiver if enabled).")

    @Option(help: "Executors to start here (0 when they all run on other hosts).")
    var executors: Int = 1

    func run() async throws {
        var variables = ProcessInfo.processInfo.environment
        // One private directory for the endpoints, unless the operator chose endpoints.
        let runDirectory = URL(fileURLWithPath: variables["GATEHOUSE_RUN_DIR"] ?? "./data/run").standardizedFileURL.path
        variables["GATEHOUSE_RUN_DIR"] = runDirectory
        var environment = ProgramEnvironment(variables)
        environment.jobKeysComing = ProgramEnvironment.makesLocalJobKeys(variables)
        LogSetup.bootstrap(reader: environment.reader)
        let logger = Logger(label: "gatehouse.up")

        // Validate everything before writing or starting anything (keys, directories, the database are made only
        // for a valid configuration), and report every problem at once.
        _ = environment.guardConfiguration()
        _ = environment.ingressConfiguration()
        _ = environment.executorConfiguration()
        _ = environment.egressConfiguration()
        let webhooks = environment.reader.bool("ENABLE_API_SERVER", default: false)
        if webhooks { _ = environment.webhooksConfiguration() }
        do {
            try environment.reader.finish()
        } catch {
            FileHandle.standardError.write(Data("gatehouse up: \(error)\n".utf8))
            throw ExitCode(2)
        }
        guard (0...16).contains(executors) else {
            FileHandle.standardError.write(Data("gatehouse up: --executors must be between 0 and 16\n".utf8))
            throw ExitCode(2)
        }
        try ProgramEnvironment.ensureLocalJobKeys(&variables)
        try FileManager.default.createDirectory(
            atPath: runDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])

        let binary = try Self.ownExecutable()
        var children = [
            ChildSpec(name: "guard", arguments: ["guard"], environment: RoleEnvironment.guardRole.filter(variables)),
            ChildSpec(name: "egress", arguments: ["egress"], environment: RoleEnvironment.egress.filter(variables)),
        ]
        for index in stride(from: 1, through: executors, by: 1) {
            var env = RoleEnvironment.executor.filter(variables)
            if executors > 1 || env["EXECUTOR_ID"] == nil {
                env["EXECUTOR_ID"] = (variables["EXECUTOR_ID"] ?? "executor-\(ProgramEnvironment.hostName())")
                    + (executors > 1 ? "-\(index)" : "")
            }
            children.append(ChildSpec(name: executors > 1 ? "executor-\(index)" : "executor", arguments: ["executor"], environment: env))
        }
        children.append(ChildSpec(name: "ingress", arguments: ["ingress"], environment: RoleEnvironment.ingress.filter(variables)))
        if webhooks {
            children.append(ChildSpec(name: "webhooks", arguments: ["webhooks"], environment: RoleEnvironment.webhooks.filter(variables)))
        }

        let programs = children
        let supervisor = Supervisor(binary: binary, logger: logger)
        let signals = await UnixSignalsSequence(trapping: .sigterm, .sigint)
        logger.info("starting", metadata: ["programs": "\(programs.map(\.name).joined(separator: ","))", "run.dir": "\(runDirectory)"])
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await signal in signals {
                    logger.info("forwarding signal to the programs", metadata: ["signal": "\(signal)"])
                    await supervisor.stop(signal: signal == .sigint ? SIGINT : SIGTERM)
                    break
                }
            }
            group.addTask { await supervisor.run(programs) }
            await group.next()  // the supervisor ends only after a stop
            group.cancelAll()
        }
        logger.info("all programs stopped")
    }

    static func ownExecutable() throws -> String {
        let path = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw ValidationError("cannot find the gatehouse executable to start the programs")
        }
        return path
    }
}

/// Which environment variables each role receives from `gatehouse up`. A role never sees a secret it does not use:
/// only ingress and egress get the bot token, only executors get Anthropic credentials, only the webhook receiver
/// gets the webhook secrets.
enum RoleEnvironment {
    case guardRole, ingress, executor, egress, webhooks

    static let common = [
        // TMPDIR: where each program writes its health file, so `gatehouse health` run alongside finds it.
        "PATH", "HOME", "LANG", "LC_ALL", "TZ", "TMPDIR", "LOG_LEVEL", "LOG_FORMAT", "ENVIRONMENT", "GATEHOUSE_RUN_DIR", "IDLE_MEMORY_RELEASE", "IDLE_MEMORY_RELEASE_AFTER_SECONDS",
        "GATEHOUSE_INTAKE_ENDPOINT", "GATEHOUSE_WORK_ENDPOINT", "GATEHOUSE_DELIVERY_ENDPOINT",
    ]
    /// Link and job keys: each role gets only its own side (`LinkSecurityEnvironment`, `JobSigningEnvironment`).
    static let guardKeys = [
        "GATEHOUSE_CURVE_SECRET_KEY_FILE", "GATEHOUSE_INGRESS_KEYS", "GATEHOUSE_EGRESS_KEYS", "GATEHOUSE_EXECUTOR_KEYS",
        "GATEHOUSE_JOB_SIGNING_KEY_FILE",
    ]
    static let peerKeys = ["GATEHOUSE_CURVE_SECRET_KEY_FILE", "GATEHOUSE_GUARD_PUBLIC_KEY", "GATEHOUSE_GUARD_PUBLIC_KEY_FILE"]
    static let executorKeys = peerKeys + ["GATEHOUSE_JOB_PUBLIC_KEY", "GATEHOUSE_JOB_PUBLIC_KEY_FILE"]

    var names: [String] {
        switch self {
        case .guardRole:
            ["APPROVED_DIRECTORY", "ALLOWED_USERS", "ADMIN_USERS", "DATABASE_PATH", "CLAUDE_MODEL", "CLAUDE_MAX_TURNS",
             "CLAUDE_TIMEOUT_SECONDS", "APPROVAL_TIMEOUT_SECONDS", "POLICY_FILE", "ENABLE_TOKEN_AUTH", "AUTH_TOKEN_SECRET",
             "AUTH_TOKEN_SECRET_FILE", "SESSION_TIMEOUT_HOURS", "RATE_LIMIT_REQUESTS", "RATE_LIMIT_WINDOW",
             "RATE_LIMIT_BURST", "CLAUDE_MAX_COST_PER_USER", "CLAUDE_MAX_COST_PER_REQUEST", "CLAUDE_MAX_COST_DAILY",
             "DATA_ENCRYPTION_KEY", "DATA_ENCRYPTION_KEY_FILE", "WORKSPACE_MODE", "CLAUDE_ALLOWED_MODELS", "SHARED_SESSIONS",
             "METRICS_ADDRESS", "ENABLE_SCHEDULER", "SCHEDULE_TIME_ZONE", "SCHEDULES_PER_PERSON", "WEBHOOK_RULES_FILE", "NOTIFICATION_CHAT_IDS"]
        case .ingress:
            ["TELEGRAM_BOT_TOKEN", "TELEGRAM_BOT_TOKEN_FILE", "TELEGRAM_API_BASE_URL", "INGRESS_ID", "UPLOAD_MAX_BYTES",
             "ENABLE_TOKEN_AUTH", "ADMIN_USERS", "VOICE_API_BASE_URL", "VOICE_API_KEY", "VOICE_API_KEY_FILE", "VOICE_MODEL"]
        case .egress:
            ["TELEGRAM_BOT_TOKEN", "TELEGRAM_BOT_TOKEN_FILE", "TELEGRAM_API_BASE_URL", "EGRESS_ID", "DOCUMENT_THRESHOLD"]
        case .webhooks:
            ["API_SERVER_HOST", "API_SERVER_PORT", "GITHUB_WEBHOOK_SECRET", "GITHUB_WEBHOOK_SECRET_FILE", "WEBHOOK_API_SECRET",
             "WEBHOOK_API_SECRET_FILE", "WEBHOOK_MAX_BODY_BYTES", "WEBHOOK_RATE_LIMIT", "WEBHOOKS_ID"]
        case .executor:
            ["APPROVED_DIRECTORY", "CLAUDE_CLI_PATH", "CLAUDE_HOME", "ANTHROPIC_API_KEY", "ANTHROPIC_API_KEY_FILE",
             "EXECUTOR_ID", "EXECUTOR_CAPACITY", "WARM_CLI_POOL", "WARM_CLI_SECONDS", "SEND_FILE_TOOL", "EXECUTOR_SANDBOX", "SANDBOX_HELPER_PATH", "SANDBOX_CONNECT_PORTS", "SANDBOX_READ_PATHS",
             "OUTBOUND_PROXY", "OUTBOUND_PROXY_ALLOW", "DATABASE_PATH"] + ProgramEnvironment.claudePassthrough
        }
    }

    var keyNames: [String] {
        switch self {
        case .guardRole: Self.guardKeys
        case .ingress, .egress, .webhooks: Self.peerKeys
        case .executor: Self.executorKeys
        }
    }

    func filter(_ variables: [String: String]) -> [String: String] {
        let allowed = Set(Self.common + names + keyNames)
        return variables.filter { allowed.contains($0.key) }
    }
}
