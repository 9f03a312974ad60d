import Foundation

/// Finds the pinned Claude Code binary for tests that run the real CLI.
public enum ClaudeBinary {
    /// The version `scripts/bootstrap` installs (bundled in the PyPI wheel `claude-agent-sdk==0.2.187`).
    public static let wheelVersion = "0.2.187"

    /// `CLAUDE_CLI_PATH` when set, else `$GATEHOUSE_CACHE_DIR` (default `~/.cache/gatehouse`)
    /// `/claude-agent-sdk-0.2.187/claude`. Throws, telling to run `scripts/bootstrap`, when it is not executable.
    public static func path() throws -> String {
        let environment = ProcessInfo.processInfo.environment
        let candidate: String
        if let explicit = environment["CLAUDE_CLI_PATH"], !explicit.isEmpty {
            candidate = explicit
        } else {
            let cache = environment["GATEHOUSE_CACHE_DIR"].flatMap { $0.isEmpty ? nil : $0 }
                ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/gatehouse").path
            candidate = "\(cache)/claude-agent-sdk-\(wheelVersion)/claude"
        }
        guard FileManager.default.isExecutableFile(atPath: candidate) else {
            throw ClaudeBinaryMissing(path: candidate)
        }
        return candidate
    }
}

/// The real CLI is needed and absent. Tests must fail with this, never skip.
public struct ClaudeBinaryMissing: Error, Sendable, CustomStringConvertible {
    public let code = "claude_binary.missing"
    public var path: String
    public var description: String {
        "\(code): no executable Claude Code CLI at \(path). Run scripts/bootstrap (or set CLAUDE_CLI_PATH)."
    }
}
