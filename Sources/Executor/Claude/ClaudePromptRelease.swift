/// The prompt for a CLI started before its job may run, or why it never gets one. Starting the CLI first lets its
/// own start-up (about 0.4 s for the real one) overlap the guard's go-ahead; nothing the person asked for reaches
/// Claude until the release says so.
public enum ClaudePromptRelease: Sendable, Equatable {
    case prompt(String)
    /// The job is not to run: the CLI is stopped without having seen a prompt. `reason` nil means cancelled;
    /// otherwise the run fails with it.
    case withheld(reason: String?)
}
