/// Resource limits for every process of a job's CLI tree, set by `gatehouse-confine` before it starts the CLI and
/// inherited by every tool process. Each is per process (what `setrlimit` offers), except `processes`. nil leaves
/// the executor's own limit in place. Core dumps are always off.
public struct SandboxLimits: Sendable, Equatable {
    /// RLIMIT_NPROC. The kernel counts every process and thread of the executor's user (all jobs, the executor
    /// itself), not just this job's tree, and does not apply it to root: a fork-bomb brake, not a quota.
    public var processes: Int? = 4_096
    /// RLIMIT_NOFILE: open files per process.
    public var openFiles: Int? = 8_192
    /// RLIMIT_FSIZE: the largest file a process may write (a runaway `yes > file` stops here).
    public var fileSizeBytes: Int? = 8 << 30
    /// RLIMIT_CPU: CPU seconds per process (all its threads); the job's own timeout is the usual stop.
    public var cpuSeconds: Int? = 4 * 3_600
    /// RLIMIT_DATA: a process's writable private memory (heap). Reservations without access (what the CLI's
    /// JavaScriptCore and the JVM or Go runtimes make up front) do not count, so this bounds real use.
    public var dataBytes: Int? = 8 << 30
    /// RLIMIT_AS: the whole address space. Off by default: the CLI copes (it reserves less), but runtimes that
    /// reserve large heaps up front (the JVM, Go) fail to start under a tight one.
    public var addressSpaceBytes: Int? = nil

    public init() {}

    /// The trampoline's options for these limits.
    var arguments: [String] {
        let options: [(String, Int?)] = [
            ("--nproc", processes), ("--nofile", openFiles), ("--fsize", fileSizeBytes), ("--cpu", cpuSeconds),
            ("--data", dataBytes), ("--as", addressSpaceBytes),
        ]
        return options.flatMap { flag, value in value.map { [flag, String($0)] } ?? [] }
    }
}
