import Foundation
import Messages
import Testing

@testable import Guard

@Suite struct StatusBookTests {
    private func opened(verbosity: Int = 1, at now: EpochMillis = 0) -> StatusBook {
        var book = StatusBook()
        book.open(jobId: "j", stopNonce: "n", verbosity: verbosity, now: now)
        return book
    }

    @Test func aNewStatusIsOwedUntilSent() {
        var book = opened()
        #expect(book.unsent == ["j"])
        let sent = book.sent("j", now: 2_000)
        #expect(sent?.shownText == ReplyTexts.working + " (2s)")
        #expect(book.unsent.isEmpty && book.hasStatus("j"))
    }

    @Test func progressShowsAsTheVerbosityAllows() {
        var quiet = opened(verbosity: 0)
        var tools = opened(verbosity: 1)
        var talk = opened(verbosity: 2)
        let use = JobProgress(jobId: "j", sequence: 1, kind: .toolUse, toolName: "Bash", summary: "ls")
        let words = JobProgress(jobId: "j", sequence: 2, kind: .assistantText, summary: "thinking")
        for progress in [use, words] {
            quiet.note(progress)
            tools.note(progress)
            talk.note(progress)
        }
        #expect(quiet.status(of: "j")?.lines == [])
        #expect(tools.status(of: "j")?.lines == ["• Bash: ls"])
        #expect(talk.status(of: "j")?.lines == ["• Bash: ls", "💬 thinking"])
    }

    @Test func onlyTheLastLinesAreShown() {
        var book = opened()
        for index in 0..<10 { book.note(JobProgress(jobId: "j", sequence: index, kind: .toolUse, toolName: "T\(index)", summary: "")) }
        #expect(book.status(of: "j")?.lines == (4..<10).map { "• T\($0)" })
    }

    @Test func aRestartReplacesTheLineOfThePreviousOne() {
        var book = opened()
        book.noteRestart(jobId: "j", byCLI: true)
        book.noteRestart(jobId: "j", byCLI: false)
        #expect(book.status(of: "j")?.lines == [ReplyTexts.restarted(byCLI: false)])
    }

    @Test func anEditIsDueOnlyForAShownMessageThatChangedAndNotTooSoon() {
        var book = opened()
        _ = book.sent("j", now: 0)
        book.note(JobProgress(jobId: "j", sequence: 1, kind: .toolUse, toolName: "Read", summary: ""))
        let beforeShown = book.due(at: 5_000)
        book.shown("j", messageId: 42)
        let tooSoon = book.due(at: EpochMillis(StatusBook.editIntervalMs - 1))
        let due = book.due(at: EpochMillis(StatusBook.editIntervalMs))
        #expect(beforeShown.isEmpty && tooSoon.isEmpty)
        #expect(due == [StatusBook.Edit(jobId: "j", messageId: 42, text: ReplyTexts.working + " (1s)\n• Read", stopNonce: "n")])
        book.edited(due[0], now: EpochMillis(StatusBook.editIntervalMs))
        #expect(book.due(at: EpochMillis(StatusBook.editIntervalMs * 2)).isEmpty, "nothing changed since")
        #expect(book.due(at: EpochMillis(StatusBook.editIntervalMs + StatusBook.refreshIntervalMs)).count == 1, "the elapsed time is refreshed")
    }

    @Test func typingRepeatsAfterItsIntervalAndStopsWithTheAttempt() {
        var book = opened()
        let first = book.typingDue("j", now: 0, intervalMs: 4_000)
        book.typed("j", now: 0)
        let tooSoon = book.typingDue("j", now: 3_999, intervalMs: 4_000)
        let again = book.typingDue("j", now: 4_000, intervalMs: 4_000)
        book.stopTyping("j")
        #expect(first && !tooSoon && again)
        #expect(book.typingDue("j", now: 1, intervalMs: 4_000), "a new attempt is shown typing at once")
        #expect(book.hasStatus("j"), "the status message stays for a restarted attempt")
    }

    @Test func closingForgetsTheStatusAndTyping() {
        var book = opened()
        book.typed("j", now: 0)
        book.close("j")
        #expect(!book.hasStatus("j") && book.unsent.isEmpty)
        #expect(book.typingDue("j", now: 1, intervalMs: 4_000))
    }
}
