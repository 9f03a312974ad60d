/// Decides between chat messages and a document, so a long answer is never cut off or lost.
public enum ReplyLayout {
    /// Caption limit for documents, in UTF-16 code units.
    public static let summaryLimit = 1024
    public static let documentFileName = "reply.md"
    private static let continuationMark = "\n…"

    /// Plans the reply for Claude's `markdown`: HTML messages of at most `limit` visible characters each,
    /// or, once the answer shows more than `documentThreshold` characters (UTF-16 code units), the Markdown
    /// itself as a `.md` document with a summary taken from its beginning.
    public static func plan(markdown: String, documentThreshold: Int, limit: Int = 4096) -> ReplyPlan {
        let html = TelegramHTML.render(markdown: markdown)
        let visibleLength = (try? TelegramHTML.visibleText(ofHTML: html))?.utf16.count ?? markdown.utf16.count
        guard visibleLength > documentThreshold else {
            return .messages(MessageSplitter.split(html: html, limit: limit))
        }
        let excerptLimit = summaryLimit - continuationMark.utf16.count
        let excerpts = MessageSplitter.split(html: html, limit: excerptLimit)
        var summary = excerpts.first ?? ""
        if excerpts.count > 1 { summary += TelegramHTML.escape(continuationMark) }
        return .document(summaryHTML: summary, fileName: documentFileName, content: markdown)
    }
}
