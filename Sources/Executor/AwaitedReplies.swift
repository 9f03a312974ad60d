/// Replies the executor waits for from the guard, by key: what was asked is recorded before it is sent, and the
/// reply may arrive before anyone waits for it, so it is kept until then. A value type inside `ExecutorState`.
struct AwaitedReplies<Subject, Reply: Sendable> {
    private enum Entry {
        case awaiting(Subject, waiter: CheckedContinuation<Reply, Never>?)
        case answered(Reply)
    }

    private var entries: [String: Entry] = [:]

    /// `subject` is about to be sent; its reply is awaited under `key`.
    mutating func expect(_ key: String, subject: Subject) {
        entries[key] = .awaiting(subject, waiter: nil)
    }

    /// The reply to `key`: to its waiter now, or kept for it. Ignored when nothing awaits one (never asked, or
    /// answered already).
    mutating func resolve(_ key: String, with reply: Reply) {
        guard case .awaiting(_, let waiter)? = entries[key] else { return }
        if let waiter {
            entries[key] = nil
            waiter.resume(returning: reply)
        } else {
            entries[key] = .answered(reply)
        }
    }

    /// Hands `key`'s reply to `waiter`: at once if it came already, else when it comes; `otherwise` if it was
    /// never expected (or has a waiter already).
    mutating func wait(_ key: String, _ waiter: CheckedContinuation<Reply, Never>, otherwise: Reply) {
        switch entries[key] {
        case .answered(let reply)?:
            entries[key] = nil
            waiter.resume(returning: reply)
        case .awaiting(let subject, nil)?:
            entries[key] = .awaiting(subject, waiter: waiter)
        case .awaiting(_, _?)?, nil:
            waiter.resume(returning: otherwise)
        }
    }

    /// What was asked and is not answered yet, by key.
    var unanswered: [(key: String, subject: Subject)] {
        entries.compactMap { key, entry in
            guard case .awaiting(let subject, _) = entry else { return nil }
            return (key, subject)
        }
    }
}
