import Foundation
import Egress
import Executor
import OutboundProxy
import ProcessMemory
import Guard
import Ingress
import Settings
import ToolPolicy
import Webhooks

/// Reads every program's configuration from the environment: the one place where variable names, defaults and
/// validation live. The README's configuration reference mirrors this file.
struct ProgramEnvironment {
    let reader: EnvironmentReader
    let environment: DeploymentEnvironment
    let endpoints: GuardConfiguration.Endpoints
    /// `gatehouse up` makes the job signing pair once the configuration is valid: until then their absence is no
    /// error (so that an invalid configuration writes nothing at all).
    var jobKeysComing = false

    /// Directories no one should give Claude as its playground.
    static let systemRoots: Set<String> = [
        "/", "/bin", "/boot", "/dev", "/etc", "/home", "/lib", "/lib64", "/opt", "/proc", "/root", "/run", "/sbin",
        "/srv", "/sys", "/tmp", "/usr", "/var",
    ]

    init(_ variables: [String: String] = ProcessInfo.processInfo.environment, overrides: EndpointOverrides = .init()) {
        reader = EnvironmentReader(variables)
        environment = DeploymentEnvironment.read(from: reader)
        let runDirectory = reader.string("GATEHOUSE_RUN_DIR", default: "./data/run")
        endpoints = GuardConfiguration.Endpoints(
            intake: overrides.intake ?? reader.string("GATEHOUSE_INTAKE_ENDPOINT", default: "ipc://\(runDirectory)/intake.sock"),
            work: overrides.work ?? reader.string("GATEHOUSE_WORK_ENDPOINT", default: "ipc://\(runDirectory)/work.sock"),
            delivery: overrides.delivery ?? reader.string("GATEHOUSE_DELIVERY_ENDPOINT", default: "ipc://\(runDirectory)/delivery.sock"))
        for (name, endpoint) in [("intake", endpoints.intake), ("work", endpoints.work), ("delivery", endpoints.delivery)] {
            if !(endpoint.hasPrefix("ipc://") || endpoint.hasPrefix("tcp://")) {
                reader.report("GATEHOUSE_\(name.uppercased())_ENDPOINT", "must start with ipc:// or tcp://, got \(endpoint.debugDescription)")
            }
        }
    }

    struct EndpointOverrides {
        var intake: String?
        var work: String?
        var delivery: String?
    }

    // MARK: - Per program

    func guardConfiguration() -> GuardConfiguration {
        let approved = approvedDirectory()
        let allowed = reader.userIds("ALLOWED_USERS")
        let admins = reader.userIds("ADMIN_USERS")
        let access = accessConfiguration()
        if allowed.isEmpty && admins.isEmpty && reader.raw("ALLOWED_USERS") == nil {
            reader.report("ALLOWED_USERS", "is required: the Telegram user ids allowed to use the bot, e.g. ALLOWED_USERS=123456789,987654321 (or set ADMIN_USERS, who can allow people from the chat)")
        }
        let claude = GuardConfiguration.Claude(
            model: reader.raw("CLAUDE_MODEL"),
            maxTurns: reader.optionalInt("CLAUDE_MAX_TURNS", in: 1...1_000),
            timeoutSeconds: reader.int("CLAUDE_TIMEOUT_SECONDS", default: 600, in: 10...86_400))
        var configuration = GuardConfiguration(
            endpoints: endpoints,
            databasePath: reader.string("DATABASE_PATH", default: "./data/gatehouse.sqlite"),
            approvedDirectory: approved, allowedUsers: allowed, adminUsers: admins, claude: claude)
        configuration.access = access
        configuration.workspaceMode = workspaceMode()
        configuration.allowedModels = reader.list("CLAUDE_ALLOWED_MODELS")
        configuration.sharedSessions = reader.bool("SHARED_SESSIONS", default: false)
        if let model = claude.model, !configuration.allowedModels.isEmpty, !configuration.allowedModels.contains(model) {
            reader.report("CLAUDE_ALLOWED_MODELS", "does not include CLAUDE_MODEL (\(model)); add it or change CLAUDE_MODEL")
        }
        configuration.dataCipher = dataCipher()
        configuration.linkSecurity = guardLinkSecurity()
        configuration.jobSigner = jobSigner()
        configuration.approvalTimeoutSeconds = reader.int("APPROVAL_TIMEOUT_SECONDS", default: 300, in: 5...86_400)
        configuration.metricsAddress = metricsAddress()
        configuration.scheduler = schedulerConfiguration()
        if let path = webhookRulesPath(databasePath: configuration.databasePath) {
            do {
                configuration.webhooks = try WebhookRules.load(path: path, defaultChats: notificationChats())
            } catch {
                reader.report("WEBHOOK_RULES_FILE", "\(error)")
            }
        }
        if let path = reader.raw("POLICY_FILE") {
            do {
                configuration.toolPolicy = try ToolPolicyFile.load(path: path)
            } catch {
                reader.report("POLICY_FILE", "\(error)")
            }
        }
        return configuration
    }

    /// `WEBHOOK_RULES_FILE`, else `webhook-rules.json` next to the database when there is one.
    func webhookRulesPath(databasePath: String) -> String? {
        if let path = reader.raw("WEBHOOK_RULES_FILE") { return path }
        let beside = URL(fileURLWithPath: databasePath).deletingLastPathComponent().appendingPathComponent("webhook-rules.json").path
        return FileManager.default.fileExists(atPath: beside) ? beside : nil
    }

    /// `NOTIFICATION_CHAT_IDS`: where webhook rules without chats of their own post.
    func notificationChats() -> [Int64] {
        reader.list("NOTIFICATION_CHAT_IDS").compactMap { item in
            guard let id = Int64(item) else {
                reader.report("NOTIFICATION_CHAT_IDS", "must be chat ids separated by commas, got \(item.debugDescription)")
                return nil
            }
            return id
        }
    }

    /// `WORKSPACE_MODE`.
    func workspaceMode() -> WorkspaceMode {
        let raw = reader.string("WORKSPACE_MODE", default: GuardConfiguration.defaultWorkspaceMode.rawValue)
        guard let mode = WorkspaceMode(rawValue: raw.lowercased()) else {
            reader.report("WORKSPACE_MODE", "must be admins-shared, private or shared, got \(raw.debugDescription)")
            return GuardConfiguration.defaultWorkspaceMode
        }
        return mode
    }

    /// `ENABLE_SCHEDULER`, `SCHEDULE_TIME_ZONE`, `SCHEDULES_PER_PERSON`.
    func schedulerConfiguration() -> ScheduleBook.Configuration {
        var scheduler = ScheduleBook.Configuration()
        scheduler.enabled = reader.bool("ENABLE_SCHEDULER", default: false)
        let zone = reader.string("SCHEDULE_TIME_ZONE", default: "UTC")
        if let parsed = TimeZone(identifier: zone) {
            scheduler.defaultTimeZone = parsed
        } else {
            reader.report("SCHEDULE_TIME_ZONE", "must be a time zone name such as Europe/Berlin or UTC, got \(zone.debugDescription)")
        }
        scheduler.perPersonLimit = reader.int("SCHEDULES_PER_PERSON", default: 10, in: 0...1_000)
        return scheduler
    }

    /// `METRICS_ADDRESS`: `host:port`, or `:port` for every interface; unset, metrics are off.
    func metricsAddress() -> String? {
        guard let raw = reader.raw("METRICS_ADDRESS"), !raw.isEmpty else { return nil }
        guard let colon = raw.lastIndex(of: ":"), let port = Int(raw[raw.index(after: colon)...]), (1...65_535).contains(port) else {
            reader.report("METRICS_ADDRESS", "must be host:port or :port (e.g. :9464 or 127.0.0.1:9464), got \(raw.debugDescription)")
            return nil
        }
        let host = raw[..<colon].isEmpty ? "0.0.0.0" : String(raw[..<colon])
        return "\(host):\(port)"
    }

    /// Every program's: whether it hands back memory once quiet, and after how long a quiet spell.
    func idleMemoryRelease() -> IdleMemoryRelease.Configuration {
        var release = IdleMemoryRelease.Configuration()
        release.enabled = reader.bool("IDLE_MEMORY_RELEASE", default: true)
        release.trigger.windowMs = Int64(reader.int("IDLE_MEMORY_RELEASE_AFTER_SECONDS", default: 60, in: 3...86_400)) * 1_000
        return release
    }

    func ingressConfiguration() -> IngressConfiguration {
        var configuration = IngressConfiguration(
            telegramBaseURL: telegramBaseURL(), botToken: botToken(), guardEndpoint: endpoints.intake,
            ingressId: reader.string("INGRESS_ID", default: "ingress-\(Self.hostName())"))
        configuration.guardLinkSecurity = peerLinkSecurity(endpoint: endpoints.intake, variable: "GATEHOUSE_INTAKE_ENDPOINT")
        configuration.uploadMaxBytes = reader.int(
            "UPLOAD_MAX_BYTES", default: UpdateTranslator.defaultDownloadLimit, in: 1...(20 << 20))
        configuration.tokenAuthEnabled = reader.bool("ENABLE_TOKEN_AUTH", default: false)
        configuration.adminUsers = reader.userIds("ADMIN_USERS")
        if let base = reader.raw("VOICE_API_BASE_URL") {
            let key = reader.secret(
                "VOICE_API_KEY", required: true, hint: "the API key of the transcription service at VOICE_API_BASE_URL")
            configuration.voice = VoiceTranscriptionConfiguration(
                baseURL: serviceURL("VOICE_API_BASE_URL", base), apiKey: key ?? Secret(""),
                model: reader.string("VOICE_MODEL", default: "whisper-1"))
        }
        return configuration
    }

    /// The webhook receiver: `API_SERVER_HOST`/`API_SERVER_PORT`, the two webhook secrets (`_FILE` accepted; at
    /// least one, or it could accept nothing), `WEBHOOK_MAX_BODY_BYTES`, `WEBHOOK_RATE_LIMIT`, `WEBHOOKS_ID`.
    func webhooksConfiguration() -> WebhooksConfiguration {
        var configuration = WebhooksConfiguration(
            guardEndpoint: endpoints.intake, webhooksId: reader.string("WEBHOOKS_ID", default: "webhooks-\(Self.hostName())"))
        configuration.guardLinkSecurity = peerLinkSecurity(endpoint: endpoints.intake, variable: "GATEHOUSE_INTAKE_ENDPOINT")
        configuration.host = reader.string("API_SERVER_HOST", default: "0.0.0.0")
        configuration.port = reader.int("API_SERVER_PORT", default: 8080, in: 1...65_535)
        configuration.githubSecret = reader.secret("GITHUB_WEBHOOK_SECRET", required: false, hint: "")
        configuration.apiSecret = reader.secret("WEBHOOK_API_SECRET", required: false, hint: "")
        if configuration.githubSecret == nil, configuration.apiSecret == nil,
            reader.raw("GITHUB_WEBHOOK_SECRET_FILE") == nil, reader.raw("WEBHOOK_API_SECRET_FILE") == nil
        {
            reader.report("GITHUB_WEBHOOK_SECRET", "is required by the webhook receiver unless WEBHOOK_API_SECRET is set: without a secret it refuses every delivery (set either, or its _FILE)")
        }
        for (variable, secret) in [("GITHUB_WEBHOOK_SECRET", configuration.githubSecret), ("WEBHOOK_API_SECRET", configuration.apiSecret)] {
            if let secret, secret.reveal().utf8.count < 16 {
                reader.report(variable, "is too short to resist guessing: use at least 16 characters (e.g. openssl rand -hex 32)")
            }
        }
        configuration.maxBodyBytes = reader.int("WEBHOOK_MAX_BODY_BYTES", default: 1 << 20, in: 1_024...(25 << 20))
        configuration.rateLimitPerMinute = reader.int("WEBHOOK_RATE_LIMIT", default: 60, in: 1...100_000)
        return configuration
    }

    func egressConfiguration() -> EgressConfiguration {
        var configuration = EgressConfiguration(
            telegramBaseURL: telegramBaseURL(), botToken: botToken(), guardEndpoint: endpoints.delivery,
            egressId: reader.string("EGRESS_ID", default: "egress-\(Self.hostName())"))
        configuration.guardLinkSecurity = peerLinkSecurity(endpoint: endpoints.delivery, variable: "GATEHOUSE_DELIVERY_ENDPOINT")
        configuration.documentThreshold = reader.int("DOCUMENT_THRESHOLD", default: 12_000, in: 4_096...1_000_000)
        return configuration
    }

    func executorConfiguration() -> ExecutorConfiguration {
        let home = reader.string("CLAUDE_HOME", default: reader.raw("HOME") ?? NSHomeDirectory())
        var claude = ExecutorConfiguration.Claude(home: home)
        claude.cliPath = reader.string("CLAUDE_CLI_PATH", default: "claude")
        claude.apiKey = reader.secret("ANTHROPIC_API_KEY", required: false, hint: "")
        for name in Self.claudePassthrough {
            if let value = reader.raw(name) { claude.passthrough[name] = value }
        }
        if claude.apiKey == nil, reader.raw("ANTHROPIC_AUTH_TOKEN") == nil, reader.raw("CLAUDE_CODE_OAUTH_TOKEN") == nil,
            !FileManager.default.fileExists(atPath: home + "/.claude/.credentials.json")
        {
            reader.report("ANTHROPIC_API_KEY", "is required by the executor unless Claude Code is already logged in under CLAUDE_HOME (\(home)); set it, or ANTHROPIC_API_KEY_FILE")
        }
        var configuration = ExecutorConfiguration(
            guardEndpoint: endpoints.work,
            executorId: reader.string("EXECUTOR_ID", default: "executor-\(Self.hostName())"),
            host: Self.hostName(), approvedDirectory: approvedDirectory(), claude: claude)
        configuration.guardLinkSecurity = peerLinkSecurity(endpoint: endpoints.work, variable: "GATEHOUSE_WORK_ENDPOINT")
        configuration.jobVerifier = jobVerifier()
        configuration.capacity = reader.int("EXECUTOR_CAPACITY", default: 4, in: 1...64)
        configuration.warmPool = reader.int("WARM_CLI_POOL", default: 0, in: 0...64)
        configuration.warmWindow = .seconds(reader.int("WARM_CLI_SECONDS", default: 120, in: 5...3_600))
        configuration.offersSendFile = reader.bool("SEND_FILE_TOOL", default: true)
        configuration.sandbox = sandboxConfiguration()
        configuration.outboundProxy = outboundProxy()
        return configuration
    }

    /// `OUTBOUND_PROXY` (on unless `off`) and `OUTBOUND_PROXY_ALLOW` (host:port pairs reached without the address
    /// check). The proxy does not chain to another proxy: with it on, the operator's own proxy variables are refused.
    private func outboundProxy() -> OutboundProxyConfiguration? {
        guard reader.bool("OUTBOUND_PROXY", default: true) else { return nil }
        var proxy = OutboundProxyConfiguration()
        for item in reader.list("OUTBOUND_PROXY_ALLOW") {
            guard let endpoint = ProxyEndpoint(authority: item) else {
                reader.report("OUTBOUND_PROXY_ALLOW", "\(item.debugDescription) is not host:port (IPv6 as [addr]:port)")
                continue
            }
            proxy.allowlist.insert(endpoint)
        }
        for name in ["HTTPS_PROXY", "HTTP_PROXY"] where reader.raw(name) != nil {
            reader.report(name, "the executor's outbound proxy does not chain to another proxy; unset \(name), or set OUTBOUND_PROXY=off to pass it to the CLI unchanged (and lose the proxy's screening)")
        }
        return proxy
    }

    /// Variables the executor hands to the CLI as they are (endpoint, credentials, proxies, CLI tuning).
    static let claudePassthrough = [
        "ANTHROPIC_BASE_URL", "ANTHROPIC_AUTH_TOKEN", "CLAUDE_CODE_OAUTH_TOKEN", "CLAUDE_CODE_MAX_RETRIES",
        "CLAUDE_CODE_USE_BEDROCK", "CLAUDE_CODE_USE_VERTEX", "HTTPS_PROXY", "HTTP_PROXY", "NO_PROXY", "TZ",
    ]

    // MARK: - Shared settings

    private func approvedDirectory() -> String {
        guard let path = reader.requiredString(
            "APPROVED_DIRECTORY", hint: "the directory Claude may work in, e.g. APPROVED_DIRECTORY=/srv/projects")
        else { return "" }
        let standardized = URL(fileURLWithPath: path).standardizedFileURL.path
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: standardized, isDirectory: &isDirectory) || !isDirectory.boolValue {
            reader.report("APPROVED_DIRECTORY", "\(path.debugDescription) does not exist or is not a directory; create it first")
            return standardized
        }
        let real = URL(fileURLWithPath: standardized).resolvingSymlinksInPath().path
        if Self.systemRoots.contains(real) || Self.systemRoots.contains(standardized) {
            reader.report("APPROVED_DIRECTORY", "must not be a system directory such as \(real); use a dedicated one like /srv/projects")
        }
        return real
    }

    private func botToken() -> Secret {
        guard let token = reader.secret(
            "TELEGRAM_BOT_TOKEN", required: true, hint: "the token @BotFather gave you")
        else { return Secret("") }
        let value = token.reveal()
        let parts = value.split(separator: ":", maxSplits: 1)
        if parts.count != 2 || Int64(parts[0]) == nil || parts[1].count < 20
            || !parts[1].allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" })
        {
            reader.report("TELEGRAM_BOT_TOKEN", "does not look like a bot token (expected <digits>:<secret>, as @BotFather gives it)")
        }
        return token
    }

    private func telegramBaseURL() -> String {
        serviceURL("TELEGRAM_API_BASE_URL", reader.string("TELEGRAM_API_BASE_URL", default: "https://api.telegram.org"))
    }

    /// An outside service's base URL: http(s), and https unless the host is local or `ENVIRONMENT=development`.
    private func serviceURL(_ variable: String, _ url: String) -> String {
        guard let components = URLComponents(string: url), let scheme = components.scheme, let host = components.host,
            !host.isEmpty
        else {
            reader.report(variable, "must be an http(s) URL such as https://api.telegram.org, got \(url.debugDescription)")
            return url
        }
        let loopback = host == "localhost" || host == "127.0.0.1" || host == "::1"
        if scheme != "https" && !(scheme == "http" && (loopback || environment == .development)) {
            reader.report(variable, "must use https (plain http is allowed only for a local server or with ENVIRONMENT=development)")
        }
        return url
    }

    static func hostName() -> String {
        ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "localhost"
    }
}
