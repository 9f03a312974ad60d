import Messages
import OutboundProxy
import Settings
import Transport

public struct ExecutorConfiguration: Sendable {
    public struct Claude: Sendable {
        /// `CLAUDE_CLI_PATH`: an absolute path, or a name looked up on PATH.
        public var cliPath: String = "claude"
        /// The HOME the CLI runs with (its transcripts live under `~/.claude`).
        public var home: String
        /// Variables passed through to the CLI unchanged (Anthropic credentials and endpoint, proxies).
        public var passthrough: [String: String] = [:]
        /// Credentials given to the CLI as ANTHROPIC_API_KEY; never logged.
        public var apiKey: Secret?
        public var interruptGrace: Duration = .seconds(3)
        public var terminateGrace: Duration = .seconds(3)

        public init(home: String) {
            self.home = home
        }
    }

    /// The guard's work endpoint.
    public var guardEndpoint: String
    public var executorId: String
    /// CURVE on the link to the guard (`tcp://` endpoints); `.none` on `ipc://`.
    public var guardLinkSecurity: SocketOptions.Security = .none
    /// Where the program reports whether it is really working (`gatehouse health`).
    public var health: HealthSignal?
    /// Checks the guard's signature on every job; nil runs unsigned jobs (development only).
    public var jobVerifier: JobVerifier?
    public var host: String
    /// Jobs run at once.
    public var capacity: Int = 4
    /// `APPROVED_DIRECTORY` as this host sees it; every job's workspace is inside.
    public var approvedDirectory: String
    public var claude: Claude
    /// How often an unacknowledged result is sent again.
    public var resultResendInterval: Duration = .seconds(2)
    /// On SIGTERM, running jobs get this long to finish before they are cancelled.
    public var drainGrace: Duration = .seconds(20)
    /// `WARM_CLI_POOL`: how many CLIs the executor keeps started ahead of a person's next prompt (0: none). Each
    /// costs about 200 MB while it waits.
    public var warmPool = 0
    /// `WARM_CLI_SECONDS`: how long a warm CLI waits for that prompt before it is stopped.
    public var warmWindow: Duration = .seconds(120)
    /// `SEND_FILE_TOOL`: whether Claude is offered Gatehouse's `send_file` tool (on by default). Off, Claude cannot
    /// send the person files, and each CLI starts without an in-process MCP server, which the pinned CLI spends
    /// 16–25 ms of CPU setting up before it reads the prompt.
    public var offersSendFile = true
    /// Kernel confinement of every CLI process tree (Landlock by default; see `Sandbox/`).
    public var sandbox = Sandbox()
    /// The proxy every CLI is pointed at (`OUTBOUND_PROXY`); nil runs CLIs without it. The Anthropic endpoint of
    /// `ANTHROPIC_BASE_URL` (or api.anthropic.com) joins its allowlist when the executor starts.
    public var outboundProxy: OutboundProxyConfiguration? = OutboundProxyConfiguration()

    public init(guardEndpoint: String, executorId: String, host: String, approvedDirectory: String, claude: Claude) {
        self.guardEndpoint = guardEndpoint
        self.executorId = executorId
        self.host = host
        self.approvedDirectory = approvedDirectory
        self.claude = claude
    }
}
