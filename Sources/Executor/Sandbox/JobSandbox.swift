#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// One job's confinement on disk: its private temporary directory (under the executor's scratch directory,
/// removed after the job) and the launcher that starts its CLI under `gatehouse-confine` with the job's plan.
struct JobSandbox: Sendable {
    /// TMPDIR, CLAUDE_CODE_TMPDIR and XDG_RUNTIME_DIR of the job's CLI. Short: the CLI makes a unix socket in it.
    let temporaryDirectory: String
    /// Put before the CLI's path and arguments (`ClaudeInvocation.launcher`); empty when confinement is off.
    let launcher: [String]

    /// What the plan is made from, apart from the job's own workspace and temporary directory.
    struct Context: Sendable {
        var status: SandboxStatus
        var settings: ExecutorConfiguration.Sandbox
        var approvedDirectory: String
        var claudeHome: String
        var cliPath: String
    }

    /// The name of the directory in `XDG_RUNTIME_DIR` where the CLI binds its cross-session inbox: a unix socket
    /// that takes user messages for its session, unauthenticated on Linux. Every job's CLI runs as the same user and
    /// a confined process can find a socket's path in `/proc/net/unix` and connect to it, so one person's job could
    /// put words into another person's session. A plain file of that name makes the CLI refuse the directory; its
    /// fallback under `/tmp` is outside what the sandbox lets it write, so it listens nowhere (measured against
    /// 2.1.330; `CrossSessionInboxTests` checks it end to end).
    static let crossSessionInboxDirectory = "cc-socks"

    static func closeCrossSessionInbox(in temporary: String) throws {
        let blocker = temporary + "/" + crossSessionInboxDirectory
        guard FileManager.default.createFile(atPath: blocker, contents: nil, attributes: [.posixPermissions: 0o400]) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: blocker])
        }
    }

    /// Makes the temporary directory and the launcher for a job whose CLI gets `environment`.
    static func prepare(
        _ context: Context, workspace: String, scratch: ScratchDirectory, environment: [String: String]
    ) throws -> JobSandbox {
        let temporary = scratch.path + "/" + String(UUID().uuidString.prefix(8)).lowercased()
        try FileManager.default.createDirectory(
            atPath: temporary, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        try closeCrossSessionInbox(in: temporary)
        guard case .landlock(_, let helper) = context.status else {
            return JobSandbox(temporaryDirectory: temporary, launcher: [])
        }
        do {
            let plan = try self.plan(context, workspace: workspace, temporaryDirectory: temporary, environment: environment)
            return JobSandbox(temporaryDirectory: temporary, launcher: [helper] + plan.arguments)
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw error
        }
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: temporaryDirectory)
    }

    /// The plan for a workspace, every path resolved on disk first (Landlock follows real paths).
    static func plan(
        _ context: Context, workspace: String, temporaryDirectory: String, environment: [String: String]
    ) throws -> SandboxPlan {
        let cli = realPath(try ClaudeRunner.resolveExecutable(context.cliPath, environment: environment))
        return try plan(context, workspace: workspace, temporaryDirectory: temporaryDirectory, cli: cli, environment: environment)
    }

    private static func plan(
        _ context: Context, workspace: String, temporaryDirectory: String, cli: String, environment: [String: String]
    ) throws(SandboxPlanError) -> SandboxPlan {
        var inputs = SandboxPlan.Inputs(
            workspace: realPath(workspace), approvedDirectory: realPath(context.approvedDirectory),
            claudeHome: realPath(context.claudeHome), temporaryDirectory: realPath(temporaryDirectory),
            cliDirectory: URL(fileURLWithPath: cli).deletingLastPathComponent().path,
            connectPorts: SandboxConnectPorts.ports(environment: environment, allowed: context.settings.allowedConnectPorts),
            limits: context.settings.limits)
        inputs.protectedPaths = context.settings.protectedPaths.map(realPath)
        inputs.systemReadOnly += context.settings.extraReadOnly.map(realPath)
        return try SandboxPlan.make(inputs)
    }

    /// At the executor's start: would a job in the approved directory get a plan? Says precisely why not. A CLI
    /// that cannot be found is left to each job's own error, as without confinement.
    static func checkAtStart(_ context: Context, scratch: ScratchDirectory, environment: [String: String]) throws {
        guard case .landlock = context.status else { return }
        let cli = (try? ClaudeRunner.resolveExecutable(context.cliPath, environment: environment)).map(realPath)
        do {
            _ = try plan(context, workspace: context.approvedDirectory, temporaryDirectory: scratch.path + "/check",
                         cli: cli ?? "/usr/bin/claude", environment: environment)
        } catch {
            throw SandboxUnavailable(reason: "\(error)")
        }
    }

    /// The real path (symlinks resolved); as given, normalized, when it does not exist yet.
    static func realPath(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return URL(fileURLWithPath: path).standardizedFileURL.path }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
