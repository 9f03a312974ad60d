import Executor
import Foundation

/// How the executor confines Claude Code (see `ExecutorConfiguration.Sandbox`):
/// - `EXECUTOR_SANDBOX`: `landlock` (default) or `off`, the operator's explicit opt-out;
/// - `SANDBOX_HELPER_PATH`: `gatehouse-confine` (default: next to the running `gatehouse`);
/// - `SANDBOX_READ_PATHS`: more directories tools may read and run programs from (toolchains outside /usr, /opt);
/// - `SANDBOX_CONNECT_PORTS`: TCP ports Claude's tools may connect to besides the Anthropic endpoint's and the
///   proxies' (comma-separated).
/// The executor's own files (key files, the ipc socket directory, the database's directory, `.env`) become
/// protected paths: the executor refuses to start if a job's sandbox would reach one.
extension ProgramEnvironment {
    /// Files the programs read secrets or keys from.
    static let secretFileVariables = [
        "ANTHROPIC_API_KEY_FILE", "GATEHOUSE_CURVE_SECRET_KEY_FILE", "GATEHOUSE_JOB_PUBLIC_KEY_FILE",
        "GATEHOUSE_GUARD_PUBLIC_KEY_FILE", "GATEHOUSE_JOB_SIGNING_KEY_FILE", "TELEGRAM_BOT_TOKEN_FILE",
        "DATA_ENCRYPTION_KEY_FILE", "AUTH_TOKEN_SECRET_FILE",
    ]

    func sandboxConfiguration() -> ExecutorConfiguration.Sandbox {
        var sandbox = ExecutorConfiguration.Sandbox()
        switch reader.string("EXECUTOR_SANDBOX", default: "landlock").lowercased() {
        case "landlock": sandbox.mode = .landlock
        case "off": sandbox.mode = .off
        case let other:
            reader.report("EXECUTOR_SANDBOX", "must be landlock (the default) or off, got \(other.debugDescription)")
        }
        if let helper = reader.raw("SANDBOX_HELPER_PATH") {
            if helper.hasPrefix("/") {
                sandbox.helperPath = helper
            } else {
                reader.report("SANDBOX_HELPER_PATH", "must be an absolute path to gatehouse-confine, got \(helper.debugDescription)")
            }
        }
        for text in reader.list("SANDBOX_CONNECT_PORTS") {
            if let port = Int(text), (1...65_535).contains(port) {
                sandbox.allowedConnectPorts.append(port)
            } else {
                reader.report("SANDBOX_CONNECT_PORTS", "must be TCP ports (1-65535), comma-separated; got \(text.debugDescription)")
            }
        }
        for path in reader.list("SANDBOX_READ_PATHS") {
            if path.hasPrefix("/") {
                sandbox.extraReadOnly.append(path)
            } else {
                reader.report("SANDBOX_READ_PATHS", "must be absolute directory paths, comma-separated; got \(path.debugDescription)")
            }
        }
        var protected = Self.secretFileVariables.compactMap { reader.raw($0) }
        protected.append(reader.string("GATEHOUSE_RUN_DIR", default: "./data/run"))
        protected.append(URL(fileURLWithPath: reader.string("DATABASE_PATH", default: "./data/gatehouse.sqlite"))
            .deletingLastPathComponent().path)
        protected.append(".env")
        sandbox.protectedPaths = protected
            .map { URL(fileURLWithPath: $0).standardizedFileURL.path }
            .filter { FileManager.default.fileExists(atPath: $0) }
        return sandbox
    }
}
