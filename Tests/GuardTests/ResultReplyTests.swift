import Foundation
import Messages
import Testing

@testable import Guard

@Suite struct ResultReplyTests {
    private func reply(_ outcome: JobResult.Outcome, text: String? = nil, _ adjust: (inout JobResult) -> Void = { _ in }) -> ResultReply {
        var result = JobResult(jobId: "j", attempt: 1, outcome: outcome, text: text, costUSD: 0.5, finishedAt: 0)
        adjust(&result)
        return ResultReply.of(result, timeoutSeconds: 600, incident: "abc123")
    }

    @Test func anAnswerIsMarkdownAndAnEmptyOneSaysSo() {
        #expect(reply(.completed, text: "  **hi**\n") == ResultReply(text: "**hi**", format: .markdown, status: .done))
        #expect(reply(.completed, text: " ") == ResultReply(text: ReplyTexts.emptyAnswer, format: .plain, status: .done))
    }

    @Test func aFreshSessionAndANoticeComeBeforeTheAnswer() {
        let shown = reply(.completed, text: "hi") {
            $0.freshSession = true
            $0.notice = "note"
        }
        #expect(shown.text == ReplyTexts.freshSession + "\n\nnote\n\nhi")
    }

    @Test func aFailureNamesItsIncidentUnlessItWasARefusal() {
        #expect(reply(.failed).text == ReplyTexts.failed(incident: "abc123"))
        #expect(reply(.failed) { $0.refusalNotice = "the archive is unsafe" }.text == "the archive is unsafe")
    }

    @Test func aStopIsACancellationAndATimeoutSaysHowLong() {
        #expect(reply(.cancelled) == ResultReply(text: ReplyTexts.cancelled, format: .plain, status: .cancelled))
        #expect(reply(.timedOut).text == ReplyTexts.timedOut(seconds: 600))
    }

    @Test func overBudgetKeepsWhatClaudeHadProduced() {
        #expect(reply(.overBudget).text == ReplyTexts.stoppedAtBudget(0.5))
        let partial = reply(.overBudget, text: "half")
        #expect(partial.text == "half\n\n" + ReplyTexts.stoppedAtBudgetAfterPartialAnswer(0.5) && partial.format == .markdown)
    }
}
