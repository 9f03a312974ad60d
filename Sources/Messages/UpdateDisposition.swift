/// What the guard did with an update, as stored in `updates.disposition` and counted in the
/// `gatehouse_updates_total` metric's `disposition` label. The raw values are stored: never change one.
public enum UpdateDisposition: String, Codable, Sendable, CaseIterable {
    /// A job was started (or an album's part joined one).
    case job
    /// Answered directly: help, a usage line, a refusal of someone who may use the bot, a limit.
    case reply
    /// Someone who may not use the bot (or a violation), audited and answered at most once in a while.
    case refused
    /// A command carried out.
    case command
    /// A button press handled.
    case button
    /// Committed and nothing else: from a bot, a group chat, an edit, a kind not handled.
    case ignored
}
