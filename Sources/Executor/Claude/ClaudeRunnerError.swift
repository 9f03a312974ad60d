/// The run could not start (or the runner itself broke); a CLI that ran and failed is a `ClaudeOutcome` instead.
public struct ClaudeRunnerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Stable and opaque: `claude.executable_not_found`, `claude.working_directory_missing`, `claude.spawn_failed`.
    public var code: String
    public var message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
