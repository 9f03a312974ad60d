import Foundation
import Messages
import Testing

@testable import Guard

@Suite struct FileRequestBookTests {
    private func request(_ id: String, sentAt: EpochMillis = 0, preferred: String? = nil, parked: Bool = false) -> PendingFileRequest {
        PendingFileRequest(
            purpose: .ls, userId: 7, chatId: 7, directory: "", sentAt: sentAt,
            ask: FileRequest(requestId: id, operation: .list, path: "/w/7"), preferred: preferred, parked: parked)
    }

    @Test func anAnswerTakesItsQuestionOnce() {
        var book = FileRequestBook()
        book.asked(request("a"))
        #expect(book.take("a")?.ask.requestId == "a")
        #expect(book.take("a") == nil && book.count == 0)
    }

    @Test func parkedQuestionsGoToAnExecutorThatCanAnswerThem() {
        var book = FileRequestBook()
        book.asked(request("any-late", sentAt: 2, parked: true))
        book.asked(request("any-early", sentAt: 1, parked: true))
        book.asked(request("for-e2", sentAt: 0, preferred: "e2", parked: true))
        book.asked(request("sent", sentAt: 0))
        let toE1 = book.unpark(for: "e1", now: 100).map(\.requestId)
        let toE2 = book.unpark(for: "e2", now: 100).map(\.requestId)
        #expect(toE1 == ["any-early", "any-late"])
        #expect(toE2 == ["for-e2"])
        #expect(book.unpark(for: "e1", now: 100).isEmpty, "an unparked question is not sent twice")
    }

    @Test func unparkingStartsTheAnswerTimeout() {
        var book = FileRequestBook()
        book.asked(request("a", sentAt: 0, parked: true))
        _ = book.unpark(for: "e1", now: 4_000)
        #expect(book.expired(at: 4_000 + FileRequestBook.answerTimeoutMs).isEmpty)
        #expect(book.expired(at: 4_001 + FileRequestBook.answerTimeoutMs).map(\.ask.requestId) == ["a"])
    }

    @Test func parkedQuestionsWaitLessThanAnswers() {
        var book = FileRequestBook()
        book.asked(request("parked", sentAt: 0, parked: true))
        book.asked(request("asked", sentAt: 0))
        let early = book.expired(at: EpochMillis(FileRequestBook.parkedTimeoutMs + 1)).map(\.ask.requestId)
        let late = book.expired(at: EpochMillis(FileRequestBook.answerTimeoutMs + 1)).map(\.ask.requestId)
        #expect(early == ["parked"] && late == ["asked"] && book.count == 0)
    }
}
