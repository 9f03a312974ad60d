import Foundation
import Testing

@testable import Guard

@Suite struct DeliveryBookTests {
    let one = Data([1]), two = Data([2])

    @Test func aChatWithAReplyInFlightIsBusyUntilItIsAnswered() {
        var book = DeliveryBook()
        book.sent("a", to: one, chatId: 7, now: 0)
        book.sent("b", to: two, chatId: 8, now: 0)
        let busy = book.busyChats
        book.answered("a")
        #expect(busy == [7, 8])
        #expect(book.busyChats == [8])
        #expect(!book.isInFlight("a") && book.isInFlight("b") && book.count == 1)
    }

    @Test func theLoadCountsDeliveriesPerEgress() {
        var book = DeliveryBook()
        book.sent("a", to: one, chatId: 1, now: 0)
        book.sent("b", to: one, chatId: 2, now: 0)
        book.sent("c", to: two, chatId: 3, now: 0)
        #expect(book.load == [one: 2, two: 1])
    }

    @Test func aGoneEgressHandsBackWhatItCarried() {
        var book = DeliveryBook()
        book.sent("b", to: one, chatId: 1, now: 0)
        book.sent("a", to: one, chatId: 2, now: 0)
        book.sent("c", to: two, chatId: 3, now: 0)
        #expect(book.release(peer: one) == ["a", "b"])
        #expect(book.release(peer: one).isEmpty)
        #expect(book.busyChats == [3])
    }

    @Test func deliveriesUnansweredPastTheTimeoutExpire() {
        var book = DeliveryBook()
        book.sent("old", to: one, chatId: 1, now: 0)
        book.sent("new", to: one, chatId: 2, now: 5_000)
        #expect(book.expired(at: 10_000, timeout: 10_000).isEmpty, "exactly the timeout is not past it")
        #expect(book.expired(at: 10_001, timeout: 10_000) == ["old"])
        #expect(book.isInFlight("new") && !book.isInFlight("old"))
    }

    @Test func theRosterPicksTheLeastLoadedEgressWithRoom() {
        var roster = EgressRoster()
        roster.register(egressId: "e1", peer: one, capacity: 2, now: 0)
        roster.register(egressId: "e2", peer: two, capacity: 1, now: 0)
        var book = DeliveryBook()
        let first = roster.pick(book)
        book.sent("a", to: one, chatId: 1, now: 0)
        let second = roster.pick(book)
        book.sent("b", to: two, chatId: 2, now: 0)
        let third = roster.pick(book)
        book.sent("c", to: one, chatId: 3, now: 0)
        #expect(first == one && second == two && third == one)
        #expect(roster.pick(book) == nil)
    }
}
