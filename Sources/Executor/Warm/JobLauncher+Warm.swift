import Foundation
import Messages

extension JobLauncher {
    /// The guard committed `jobId`'s answer and said how its person's next prompt would start.
    func heard(_ launch: WarmLaunch, after jobId: String) async {
        if let launch = await warm.heard(launch, after: jobId) { await startWarm(launch) }
    }

    /// `jobId`'s CLI is gone (its transcript is complete): a warm CLI for its person may start now.
    func cliEnded(jobId: String) async {
        if let launch = await warm.jobEnded(jobId) { await startWarm(launch) }
    }

    /// Starts a CLI for `launch`, confined and screened exactly as a job's, idle until a job claims it (or its
    /// window passes: it is then stopped without having had a prompt).
    private func startWarm(_ launch: WarmLaunch) async {
        guard await !state.draining else { return }
        let id = "warm-" + UUID().uuidString.prefix(8).lowercased()
        var logger = logger
        logger[metadataKey: "warm.id"] = "\(id)"
        let workspace: String
        var prepared: PreparedCLI
        do {
            workspace = try workspaces.workspace(launch.workspace)
            prepared = try prepareCLI(workspace: workspace, owner: id, prompt: "", launch: CLILaunch(launch))
        } catch {
            logger.warning("could not start a warm Claude CLI", metadata: ["reason": "\(error)"])
            return
        }
        // Stamped before the CLI starts: anything changed from here on makes it unusable, even its own writes.
        let fingerprint = WorkspaceFingerprint(
            workspace: workspace, approvedDirectory: configuration.approvedDirectory, home: configuration.claude.home)
        prepared.invocation.startTimeout = configuration.warmWindow + .seconds(5)
        let cliPrepared = prepared
        let offersSendFile = configuration.offersSendFile
        let cli = WarmCLI(id: id, launch: launch, workspace: workspace, fingerprint: fingerprint)
        await cli.start(in: work, { [logger] callbacks in
            var invocation = cliPrepared.invocation
            invocation.tools = offersSendFile ? GatehouseToolServer { path in await callbacks.sendFile(path) } : nil
            return try? await ClaudeRunner(logger: logger).run(
                invocation, cancellation: cli.cancellation, release: callbacks.release, onCompleted: callbacks.onCompleted,
                onEvent: callbacks.onEvent, decide: callbacks.decide)
        }, adopt: { [proxy] jobId in
            if let credential = cliPrepared.credential { proxy?.credentials.rebind(credential, to: jobId) }
        }, ended: { [warm] in
            dispose(cliPrepared)
            await warm.ended(warmId: id)
        })
        await warm.add(cli)
        logger.info("warm Claude CLI started", metadata: ["workspace": "\(launch.workspace)", "user.id": "\(launch.userId)"])
    }
}
