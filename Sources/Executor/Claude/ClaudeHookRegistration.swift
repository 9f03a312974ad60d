import Synchronization

/// Whether the CLI accepted the runner's PreToolUse hook. The prompt is written only once it did: without the hook
/// the CLI would run reads and "read-only" commands without asking, so a CLI that refuses it never gets a prompt.
final class ClaudeHookRegistration: Sendable {
    private enum Status {
        case pending([CheckedContinuation<String?, Never>])
        /// nil: registered; otherwise why not.
        case settled(String?)
    }

    private let status = Mutex(Status.pending([]))

    /// Records the CLI's answer; the first one counts.
    func settle(failure: String?) {
        let waiting: [CheckedContinuation<String?, Never>] = status.withLock { status in
            guard case .pending(let waiting) = status else { return [] }
            status = .settled(failure)
            return waiting
        }
        for continuation in waiting { continuation.resume(returning: failure) }
    }

    /// Waits for the answer: nil when the hook is registered, otherwise why it is not.
    func outcome() async -> String? {
        await withCheckedContinuation { continuation in
            let settled: String?? = status.withLock { status in
                switch status {
                case .pending(let waiting):
                    status = .pending(waiting + [continuation])
                    return .none
                case .settled(let failure):
                    return .some(failure)
                }
            }
            if case .some(let failure) = settled { continuation.resume(returning: failure) }
        }
    }
}
