import Foundation
import Messages
import Testing

@testable import Guard
@testable import Ledger

@Suite struct ApprovalBookTests {
    private func approval(_ id: String, job: String = "j", user: Int64 = 7, createdAt: EpochMillis = 0, expiresAt: EpochMillis = 60_000) -> ApprovalRecord {
        ApprovalRecord(
            id: id, jobId: job, requestId: "r-\(id)", executorId: "e", userId: user, chatId: user, toolName: "Bash",
            input: "{}", status: .pending, createdAt: createdAt, expiresAt: expiresAt, outboxIds: "")
    }

    @Test func theLedgersPendingApprovalsWaitAfterARestart() {
        let book = ApprovalBook(waiting: [approval("a"), approval("b")])
        #expect(book.count == 2 && book.approval(id: "a")?.requestId == "r-a")
    }

    @Test func aSettledApprovalNoLongerWaits() {
        var book = ApprovalBook()
        book.wait(for: approval("a"))
        #expect(book.waits(forJob: "j"))
        book.settled("a")
        #expect(!book.waits(forJob: "j") && book.approval(id: "a") == nil)
    }

    @Test func aPartAnswerReplacesTheWaitingRecord() {
        var book = ApprovalBook()
        var record = approval("a")
        book.wait(for: record)
        record.answers = "{\"0\":1}"
        book.wait(for: record)
        #expect(book.count == 1 && book.approval(id: "a")?.answers == "{\"0\":1}")
    }

    @Test func expiredAreThosePastTheirDeadlineOldestFirst() {
        let book = ApprovalBook(waiting: [
            approval("late", createdAt: 20, expiresAt: 1_000), approval("early", createdAt: 10, expiresAt: 1_000),
            approval("open", createdAt: 0, expiresAt: 1_001),
        ])
        #expect(book.expired(at: 999).isEmpty)
        #expect(book.expired(at: 1_000).map(\.id) == ["early", "late"])
    }

    @Test func aJobsQuestionsAndAPersonsAreFoundAndForgotten() {
        var book = ApprovalBook(waiting: [
            approval("b", job: "j1", createdAt: 2), approval("a", job: "j1", createdAt: 1), approval("c", job: "j2", user: 8),
        ])
        #expect(book.of(job: "j1").map(\.id) == ["a", "b"])
        book.forget(userId: 7)
        #expect(book.count == 1 && book.of(job: "j1").isEmpty && book.waits(forJob: "j2"))
    }
}
