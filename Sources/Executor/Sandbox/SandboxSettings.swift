extension ExecutorConfiguration {
    /// How the executor confines every Claude Code CLI process tree (`EXECUTOR_SANDBOX`).
    public struct Sandbox: Sendable {
        public enum Mode: String, Sendable {
            /// Every CLI runs under `gatehouse-confine` (Landlock, no_new_privs, resource limits); without
            /// Landlock or the helper the executor refuses to start.
            case landlock
            /// The operator's explicit opt-out (`EXECUTOR_SANDBOX=off`): the CLI runs unconfined, and the
            /// executor says so in its start log and to the guard (`/status`).
            case off
        }

        public var mode: Mode = .landlock
        /// `SANDBOX_HELPER_PATH`; nil: `gatehouse-confine` next to the running executable.
        public var helperPath: String?
        public var limits = SandboxLimits()
        /// TCP ports the CLI tree may connect to besides those of the Anthropic endpoint and the proxies in its
        /// environment (`SANDBOX_CONNECT_PORTS`; an egress proxy's port goes here).
        public var allowedConnectPorts: [Int] = []
        /// More directories the CLI tree may read and execute from, besides the system's (`SANDBOX_READ_PATHS`):
        /// toolchains installed outside /usr and /opt (pyenv, nvm, rustup under a home directory).
        public var extraReadOnly: [String] = []
        /// Paths no confined process may reach, besides the approved directory outside the job's workspace:
        /// the executor's keys, its sockets, the database. Starting refuses a plan whose grants cover one.
        public var protectedPaths: [String] = []

        public init() {}
    }
}
