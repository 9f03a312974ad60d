import Messages
import OutboundProxy

/// Everything a CLI needs before its prompt: its confinement (a temporary directory and the sandbox trampoline),
/// a proxy credential, and the invocation. Made for a job, or ahead of one for a warm CLI.
struct PreparedCLI: Sendable {
    var invocation: ClaudeInvocation
    let credential: ProxyJobCredentials.Credential?
    let confinement: JobSandbox
}

struct CLIPreparationError: Error, CustomStringConvertible {
    /// For the job's failure detail ("sandbox: …").
    let description: String
}

extension JobLauncher {
    /// Prepares a CLI for `launch` in `workspace` (absolute), its proxy traffic attributed to `owner` (a job id, or
    /// a warm CLI's id until a job claims it). Undo with `dispose`.
    func prepareCLI(workspace: String, owner: String, prompt: String, launch: CLILaunch) throws(CLIPreparationError) -> PreparedCLI {
        let credential = proxy?.credentials.issue(jobId: owner)
        let proxyURL = credential.flatMap { proxy?.url(for: $0) }
        let confinement: JobSandbox
        do {
            confinement = try JobSandbox.prepare(
                Self.sandboxContext(configuration, status: sandbox), workspace: workspace, scratch: scratch,
                environment: Self.environment(configuration, temporaryDirectory: scratch.path, proxyURL: proxyURL))
        } catch {
            if let credential { proxy?.credentials.revoke(credential) }
            throw CLIPreparationError(description: "sandbox: \(error)")
        }
        var invocation = ClaudeInvocation(
            executable: configuration.claude.cliPath, workingDirectory: workspace, prompt: prompt,
            resumeSessionId: launch.resumeSessionId, model: launch.model, maxTurns: launch.maxTurns,
            environment: Self.environment(configuration, temporaryDirectory: confinement.temporaryDirectory, proxyURL: proxyURL),
            timeout: .seconds(launch.timeoutSeconds),
            interruptGrace: configuration.claude.interruptGrace, terminateGrace: configuration.claude.terminateGrace)
        invocation.maxBudgetUSD = launch.maxBudgetUSD
        invocation.launcher = confinement.launcher
        return PreparedCLI(invocation: invocation, credential: credential, confinement: confinement)
    }

    /// Once the CLI is gone: its proxy credential stops working and its temporary directory goes.
    func dispose(_ prepared: PreparedCLI) {
        if let credential = prepared.credential { proxy?.credentials.revoke(credential) }
        prepared.confinement.remove()
    }
}

/// The CLI settings of a launch, from a job's assignment or a warm launch.
struct CLILaunch: Sendable {
    var resumeSessionId: String?
    var model: String?
    var maxTurns: Int?
    var maxBudgetUSD: Double?
    var timeoutSeconds: Int

    init(_ job: JobAssignment) {
        self.init(resumeSessionId: job.resumeSessionId, model: job.model, maxTurns: job.maxTurns, maxBudgetUSD: job.maxBudgetUSD,
                  timeoutSeconds: job.timeoutSeconds)
    }

    init(_ warm: WarmLaunch) {
        self.init(resumeSessionId: warm.resumeSessionId, model: warm.model, maxTurns: warm.maxTurns, maxBudgetUSD: warm.maxBudgetUSD,
                  timeoutSeconds: warm.timeoutSeconds)
    }

    init(resumeSessionId: String?, model: String?, maxTurns: Int?, maxBudgetUSD: Double?, timeoutSeconds: Int) {
        self.resumeSessionId = resumeSessionId
        self.model = model
        self.maxTurns = maxTurns
        self.maxBudgetUSD = maxBudgetUSD
        self.timeoutSeconds = timeoutSeconds
    }
}
