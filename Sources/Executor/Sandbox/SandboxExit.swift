/// The exit statuses `gatehouse-confine` uses for its own failures (see Sources/Confine/main.c): the CLI never ran
/// (or, for `exec`, was confined but could not be started).
enum SandboxExit {
    static let usage: Int32 = 120
    static let confinementFailed: Int32 = 121
    static let execFailed: Int32 = 122

    /// What went wrong, from the helper's one stderr line, when the status is one of its own.
    static func explanation(exitStatus: Int32?, stderrTail: String) -> String? {
        guard let exitStatus, [usage, confinementFailed, execFailed].contains(exitStatus) else { return nil }
        let line = stderrTail.split(whereSeparator: \.isNewline).last { $0.hasPrefix("gatehouse-confine:") }
        return line.map { String($0.prefix(300)) } ?? "gatehouse-confine exited with \(exitStatus)"
    }
}
