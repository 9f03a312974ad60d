import Foundation

/// Why an attempt of a running job ended without an answer.
enum AttemptLoss: String, Sendable {
    /// Its executor died, was restarted, or was presumed dead.
    case executorGone = "executor_gone"
    /// The CLI died on its own (crash, killed from outside, OOM) while its executor lived.
    case cliDied = "cli_died"
    /// The CLI ran past its time limit without having used any tool.
    case silentTimeout = "silent_timeout"
}
