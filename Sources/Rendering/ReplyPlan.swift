/// How an answer goes out to Telegram.
public enum ReplyPlan: Equatable, Sendable {
    /// HTML messages to send in order (empty when the answer shows nothing).
    case messages([String])
    /// Too long for chat: send `content` (the full Markdown) as a file named `fileName`, with `summaryHTML`
    /// (at most 1024 visible characters, so it also fits a caption) as its caption or a message before it.
    case document(summaryHTML: String, fileName: String, content: String)
}
