import Foundation
import Messages

/// Deliveries handed to an egress and not yet answered. Pure state: the guard notes what it sends and what comes
/// back, and asks it which chats are busy (one reply per chat in flight keeps a chat's replies in order), how
/// loaded each egress is, and which deliveries are overdue.
struct DeliveryBook: Sendable {
    struct Flight: Sendable, Equatable {
        var peer: Data
        var chatId: Int64
        var sentAt: EpochMillis
    }

    private var flights: [String: Flight] = [:]

    var count: Int { flights.count }

    func isInFlight(_ deliveryId: String) -> Bool { flights[deliveryId] != nil }

    /// Chats with a reply in flight: their next reply waits.
    var busyChats: Set<Int64> { Set(flights.values.map(\.chatId)) }

    /// How many deliveries each egress connection is carrying.
    var load: [Data: Int] {
        flights.values.reduce(into: [:]) { $0[$1.peer, default: 0] += 1 }
    }

    mutating func sent(_ deliveryId: String, to peer: Data, chatId: Int64, now: EpochMillis) {
        flights[deliveryId] = Flight(peer: peer, chatId: chatId, sentAt: now)
    }

    /// The egress answered (or the delivery is given up): the chat may take its next reply.
    mutating func answered(_ deliveryId: String) {
        flights[deliveryId] = nil
    }

    /// Forgets what the egress at `peer` carried (it is gone) and returns those delivery ids, to be sent again.
    mutating func release(peer: Data) -> [String] {
        let ids = flights.filter { $0.value.peer == peer }.keys.sorted()
        for id in ids { flights[id] = nil }
        return ids
    }

    /// Forgets deliveries unanswered for longer than `timeout` and returns their ids (the outbox sends them again
    /// when they are due).
    @discardableResult
    mutating func expired(at now: EpochMillis, timeout: Int64) -> [String] {
        let late = flights.filter { now - $0.value.sentAt > timeout }.keys.sorted()
        for id in late { flights[id] = nil }
        return late
    }
}
