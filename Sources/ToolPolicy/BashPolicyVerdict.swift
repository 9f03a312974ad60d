/// The guard's answer to one command Claude wants to run.
public enum PolicyVerdict: Sendable, Equatable {
    case allow
    /// The reason is shown to Claude and the user: plain, specific, nothing internal.
    case deny(reason: String)
    /// The user is asked; the reason says why.
    case ask(reason: String)
}

/// Gathers findings across every command of a script: deny wins over ask wins over allow.
struct BashVerdictCollector {
    private(set) var denial: String?
    private(set) var questions: [String] = []

    mutating func deny(_ reason: String) {
        if denial == nil { denial = reason }
    }

    mutating func ask(_ reason: String) {
        if !questions.contains(reason) { questions.append(reason) }
    }

    var verdict: PolicyVerdict {
        if let denial { return .deny(reason: denial) }
        guard !questions.isEmpty else { return .allow }
        let shown = questions.prefix(3).joined(separator: "; ")
        return .ask(reason: questions.count > 3 ? shown + "; and more" : shown)
    }
}
