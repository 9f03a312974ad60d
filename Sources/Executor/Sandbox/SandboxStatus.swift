/// Whether this executor's CLIs run confined: said in its start log line and to the guard (`ExecutorReady`).
public enum SandboxStatus: Sendable, Equatable {
    /// Every CLI starts under the helper at this path; the kernel offers this Landlock ABI.
    case landlock(abi: Int, helper: String)
    /// The operator opted out (`EXECUTOR_SANDBOX=off`).
    case off

    public var isConfined: Bool {
        if case .landlock = self { return true }
        return false
    }

    /// `ExecutorReady.confinement`: "landlock 7", or "off".
    public var label: String {
        switch self {
        case .landlock(let abi, _): "landlock \(abi)"
        case .off: "off"
        }
    }
}

/// Why the executor will not start: confinement was asked for (the default) and cannot be had.
public struct SandboxUnavailable: Error, CustomStringConvertible {
    public var reason: String

    public var description: String {
        "cannot confine Claude Code: \(reason). Fix it, or run without confinement with EXECUTOR_SANDBOX=off (not recommended)"
    }
}
