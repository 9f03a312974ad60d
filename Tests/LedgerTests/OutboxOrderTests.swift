import Foundation
import Messages
import Testing

@testable import Ledger

/// Replies one decision stores leave in the order it stored them, whatever their random ids: `/mydata`'s heading
/// before its document (ordered by id, the document came first about half the time).
@Suite struct OutboxOrderTests {
    static func entry(_ id: String, at: EpochMillis) -> OutboxRecord {
        OutboxRecord(
            id: id, jobId: nil, chatId: 7, threadId: nil, replyToMessageId: nil, text: id, format: "plain", status: .pending,
            attempts: 0, nextAttemptAt: at, createdAt: at)
    }

    @Test func repliesStoredTogetherAreDueInTheOrderTheyWereStored() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gh-order-\(UUID().uuidString)/db.sqlite").path
        for ledger in [try SQLiteLedger(path: path), try SQLiteLedger.inMemory()] as [any Ledger] {
            try ledger.apply(LedgerChanges(outbox: [Self.entry("zz-heading", at: 5), Self.entry("aa-document", at: 5)]))
            try ledger.apply(LedgerChanges(outbox: [Self.entry("mm-later", at: 6)]))
            #expect(try ledger.dueOutbox(now: 10, limit: 10).map(\.id) == ["zz-heading", "aa-document", "mm-later"])
        }
    }
}
