/// Final answers must arrive; progress edits only matter in their latest state.
public enum PacedPriority: Int, Sendable, Comparable {
    case progress = 0
    case final = 1

    public static func < (lhs: PacedPriority, rhs: PacedPriority) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// One Telegram call waiting for its turn. The scheduler never looks at the payload, only at who gets it and how
/// much it matters; `id` lets the caller find the payload again.
public struct PacedRequest<ID: Hashable & Sendable>: Sendable, Equatable {
    public var id: ID
    public var chatId: Int64
    public var priority: PacedPriority
    /// Progress requests with the same key (within one chat) replace an older one still waiting: latest state wins.
    /// A final with a key drops waiting progress with that key, since the final answer supersedes it.
    /// nil = never replaced, never replaces.
    public var coalesceKey: String?

    public init(id: ID, chatId: Int64, priority: PacedPriority, coalesceKey: String? = nil) {
        self.id = id
        self.chatId = chatId
        self.priority = priority
        self.coalesceKey = coalesceKey
    }
}
