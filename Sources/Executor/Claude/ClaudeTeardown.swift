import Subprocess

/// How a CLI is stopped: SIGINT (it ends its turn and saves its transcript), SIGTERM after `interruptGrace`, SIGKILL
/// after `terminateGrace` — swift-subprocess's teardown sequence, which waits on the process's exit (its pidfd), not
/// on a clock, between steps. Only the CLI's own process is signalled: its tool shells run in sessions of their own
/// (setsid), so `ProcessTreeTracker` finds and kills what is left once the CLI is gone.
enum ClaudeTeardown {
    static func sequence(for invocation: ClaudeInvocation) -> [TeardownStep] {
        [
            .send(signal: .interrupt, allowedDurationToNextStep: invocation.interruptGrace),
            .send(signal: .terminate, allowedDurationToNextStep: invocation.terminateGrace),
        ]
    }

    /// The longest a run can last: its start (waiting for the prompt), its timeout, a lingering CLI's grace after
    /// its result, and the teardown. A backstop only: the supervisor stops every run before it.
    static func ceiling(for invocation: ClaudeInvocation) -> Duration {
        (invocation.startTimeout ?? invocation.timeout) + invocation.timeout + ClaudeRunner.exitGraceAfterResult
            + invocation.interruptGrace + invocation.terminateGrace + .seconds(60)
    }
}

extension Execution {
    /// Until the process has exited (it is reaped later, by Subprocess), or is killed once `ceiling` has passed.
    /// Subprocess's exit monitor is reachable only through a teardown: its one step sends signal 0, which checks
    /// that the process exists and disturbs nothing.
    func waitForExit(ceiling: Duration) async {
        await teardown(using: [.send(signal: Signal(rawValue: 0), allowedDurationToNextStep: ceiling)])
    }
}
