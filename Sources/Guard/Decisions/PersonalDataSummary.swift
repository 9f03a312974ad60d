import Ledger
/// The few lines that say what a `/mydata` document holds and how long each kind of data is kept.
enum PersonalDataSummary {
    static func text(of data: PersonalData) -> String {
        let spent = data.usage.reduce(0) { $0 + $1.costUSD }
        let lines = [
            "\(count(data.jobs.count, "request")) (a prompt is kept only while its request runs; the first prompt of "
                + "each session is kept for /resume: \(count(data.sessionHistory.count, "session")))",
            "\(count(data.replies.count, "reply", "replies")) with their text",
            "\(count(data.toolCalls.count + data.approvals.count, "tool call")) with their input, "
                + "\(count(data.uploads.count, "upload")) waiting (names only)",
            "\(count(data.usage.count, "run")) costing \(ReplyTexts.dollars(spent)), "
                + "\(count(data.tokens.count, "sign-in token")), \(count(data.updates.count, "message")) received (no content)",
            "\(count(data.audit.count, "audit entry", "audit entries")) by or about you",
            "Send /forgetme to erase it.",
        ]
        return lines.map { "• " + $0 }.joined(separator: "\n")
    }

    private static func count(_ n: Int, _ singular: String, _ plural: String? = nil) -> String {
        "\(n) " + (n == 1 ? singular : plural ?? singular + "s")
    }
}
