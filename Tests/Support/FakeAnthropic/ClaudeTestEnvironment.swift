import Foundation

/// A throw-away HOME and a short TMPDIR for one test's CLI runs, and the environment that points the CLI at a fake API.
public enum ClaudeTestEnvironment {
    /// Creates `/tmp/ghc-XXXXXX/{home,t}` (short: the CLI puts a unix socket in TMPDIR, whose path is limited to
    /// about 103 bytes) and returns the CLI's complete environment and the HOME. Remove it with `remove(home:)`.
    public static func make(baseURL: String) -> (env: [String: String], home: URL) {
        var template = Array("/tmp/ghc-XXXXXX".utf8CString)
        let root: String = template.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress, let made = mkdtemp(base) else {
                preconditionFailure("mkdtemp failed in /tmp: errno \(errno)")
            }
            return String(cString: made)
        }
        let home = URL(fileURLWithPath: root).appendingPathComponent("home")
        let tmp = URL(fileURLWithPath: root).appendingPathComponent("t")
        for directory in [home, tmp] {
            do {
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            } catch {
                preconditionFailure("cannot create \(directory.path): \(error)")
            }
        }
        let env: [String: String] = [
            "HOME": home.path,
            "TMPDIR": tmp.path,
            "CLAUDE_CODE_TMPDIR": tmp.path,
            "XDG_RUNTIME_DIR": tmp.path,
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "LANG": "C.UTF-8",
            "ANTHROPIC_BASE_URL": baseURL,
            "ANTHROPIC_API_KEY": "test-key",
            "DISABLE_TELEMETRY": "1",
            "DISABLE_ERROR_REPORTING": "1",
            "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
            "DISABLE_AUTOUPDATER": "1",
            "CLAUDE_CODE_MAX_RETRIES": "0",
        ]
        return (env, home)
    }

    /// Deletes what `make` created for this HOME (the HOME and its sibling TMPDIR).
    public static func remove(home: URL) {
        try? FileManager.default.removeItem(at: home.deletingLastPathComponent())
    }
}
