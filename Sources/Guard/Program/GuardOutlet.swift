import Foundation
import Logging
import PeerKeys
import Transport

/// Sends the core's answers on the right socket: each link's messages in order, handed to its socket thread in
/// one go, without waiting for libzmq (an acknowledgement to ingress does not hold up the job it caused, and the
/// core goes on deciding meanwhile). A peer that went away is not an error: it will reconnect, and whatever it
/// needed is re-sent from the ledger.
struct GuardOutlet: Sendable {
    let sockets: [GuardLink: RouterSocket]
    let logger: Logger

    /// The order the links' socket threads are woken in: what the person sees first (`typing`, answers), then the
    /// executors' work, then ingress's acknowledgements (whose next `getUpdates` would compete for the CPU). A
    /// dictionary's order would change with every start and move the first sign of life by a millisecond.
    static let wakeOrder: [GuardLink] = [.delivery, .work, .intake]

    func send(_ messages: [Outbound]) {
        guard !messages.isEmpty else { return }
        var byLink: [GuardLink: [Outbound]] = [:]
        for message in messages { byLink[message.link, default: []].append(message) }
        for link in Self.wakeOrder {
            guard let batch = byLink[link], let socket = sockets[link] else { continue }
            socket.post(batch.map { (frames: $0.frames, peer: PeerID($0.peer)) }) { [logger] _, error in
                logger.debug("message not delivered to a peer", metadata: ["link": "\(link.rawValue)", "error": "\(error)"])
            }
        }
    }
}
