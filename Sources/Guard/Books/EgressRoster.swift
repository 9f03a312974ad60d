import Foundation
import Messages

/// The egress instances connected to the guard, and how much delivery work each may take at once.
struct EgressRoster {
    struct Member {
        var egressId: String
        var peer: Data
        var capacity: Int
        var lastSeen: EpochMillis
    }

    private(set) var members: [Data: Member] = [:]

    mutating func register(egressId: String, peer: Data, capacity: Int, now: EpochMillis) {
        // One entry per egress id: a reconnect replaces the old connection.
        for (key, member) in members where member.egressId == egressId { members[key] = nil }
        members[peer] = Member(egressId: egressId, peer: peer, capacity: max(1, capacity), lastSeen: now)
    }

    @discardableResult
    mutating func touch(peer: Data, now: EpochMillis) -> Bool {
        guard members[peer] != nil else { return false }
        members[peer]?.lastSeen = now
        return true
    }

    /// Forgets the egress using that connection (its connection closed); false if none did.
    mutating func remove(peer: Data) -> Bool {
        members.removeValue(forKey: peer) != nil
    }

    func hasCapacity(inFlight: Int) -> Bool {
        inFlight < members.values.reduce(0) { $0 + $1.capacity }
    }

    /// The least loaded egress with room for one more delivery.
    func pick(_ deliveries: DeliveryBook) -> Data? {
        let load = deliveries.load
        return members.values
            .filter { (load[$0.peer] ?? 0) < $0.capacity }
            .min { (load[$0.peer] ?? 0, $0.egressId) < (load[$1.peer] ?? 0, $1.egressId) }?
            .peer
    }

    mutating func expire(now: EpochMillis, timeout: Int64) -> [Data] {
        let dead = members.values.filter { now - $0.lastSeen > timeout }.map(\.peer)
        for peer in dead { members[peer] = nil }
        return dead
    }
}
