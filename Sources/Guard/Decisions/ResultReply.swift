import Foundation
import Ledger
import Messages

/// What a job's result tells its person, and how the job ends: pure, so every outcome's wording is tested apart
/// from the ledger and the executors.
struct ResultReply: Equatable {
    var text: String
    var format: Delivery.Format
    var status: JobStatus

    /// - Parameter incident: the id a failure's reply names, so that the person can point the operator at the log.
    static func of(_ result: JobResult, timeoutSeconds: Int, incident: String) -> ResultReply {
        switch result.outcome {
        case .completed:
            let answer = result.text?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            let text = (result.freshSession == true ? ReplyTexts.freshSession + "\n\n" : "")
                + (result.notice.map { $0 + "\n\n" } ?? "")
                + (answer.isEmpty ? ReplyTexts.emptyAnswer : answer)
            return ResultReply(text: text, format: answer.isEmpty ? .plain : .markdown, status: .done)
        case .failed:
            // Refused before Claude started (an archive that would not unpack safely): the reason is the answer.
            return ResultReply(text: result.refusalNotice ?? ReplyTexts.failed(incident: incident), format: .plain, status: .done)
        case .cancelled:
            return ResultReply(text: ReplyTexts.cancelled, format: .plain, status: .cancelled)
        case .timedOut:
            return ResultReply(text: ReplyTexts.timedOut(seconds: timeoutSeconds), format: .plain, status: .done)
        case .overBudget:
            // What Claude had produced is the person's: it comes with a plain note that it stopped there.
            let partial = result.text?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            let text = partial.isEmpty
                ? ReplyTexts.stoppedAtBudget(result.costUSD ?? 0)
                : partial + "\n\n" + ReplyTexts.stoppedAtBudgetAfterPartialAnswer(result.costUSD ?? 0)
            return ResultReply(text: text, format: partial.isEmpty ? .plain : .markdown, status: .done)
        }
    }
}
