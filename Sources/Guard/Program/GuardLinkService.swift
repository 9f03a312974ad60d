import Logging
import Messages
import PeerKeys
import ServiceLifecycle
import Settings
import Synchronization
import Transport

/// The guard's three ROUTER sockets as a piece of its service group: feeds everything they hear to the core and
/// sends what it answers. Its turn in the shutdown closes the sockets (the guard clock and what it sends have
/// stopped by then); the loops end as the sockets' streams do, and the links close for good. A link that ends by
/// itself ends the guard.
struct GuardLinkService: Service, CustomStringConvertible {
    var description: String { "guard links" }

    let links: GuardLinks
    let core: GuardCore
    let outlet: GuardOutlet
    let identities: ExecutorIdentities
    let memory: BurstWatch
    let clock: any WallClock
    /// How long an intake batch that sent egress something waits before its follow-up (`FollowUpHold`).
    let followUpHold: Duration
    let logger: Logger

    func run() async {
        let sockets = links.sockets
        await withTaskGroup(of: Void.self) { group in
            group.addTask { [logger] in
                guard (try? await gracefulShutdown()) != nil else { return }
                logger.info("guard stopping; peers will reconnect to the next instance")
                for socket in sockets.values { await socket.close() }
            }
            await read(sockets)
            group.cancelAll()
        }
        await links.close()
    }

    /// Until the first of the links' streams ends (on close, or by failure).
    private func read(_ sockets: [GuardLink: RouterSocket]) async {
        await withTaskGroup(of: Void.self) { group in
            for (link, socket) in sockets where link != .intake {
                group.addTask {
                    for await message in socket.messages {
                        guard admitted(message, link) else { continue }
                        if link == .work, let identity = message.userId { identities.note(peer: message.peer.bytes, identity: identity) }
                        outlet.send(await core.receive(link: link, peer: message.peer.bytes, frames: message.frames))
                    }
                }
            }
            // A closed connection of an executor or egress: hand its work on now, once the transport
            // confirms no connection of that peer is left.
            for (link, socket) in sockets where link != .intake {
                group.addTask {
                    for await peer in socket.disconnections {
                        guard let probe = await core.livenessProbe(link: link, peer: peer.bytes),
                              await socket.isGone(peer, probe: probe) else { continue }
                        outlet.send(await core.connectionClosed(link: link, peer: peer.bytes))
                    }
                }
            }
            // Intake in batches, so a burst of updates is committed in one transaction.
            if let intake = sockets[.intake] {
                let inbox = MessageInbox()
                group.addTask { await inbox.fill(from: intake.messages) }
                group.addTask {
                    for await _ in inbox.arrivals {
                        let batch = inbox.takeAll().filter { admitted($0, .intake) }
                        guard !batch.isEmpty else { continue }
                        memory.arrived(batch.count, at: clock.now())
                        let sentAhead = Atomic<Bool>(false)
                        let answer = await core.receiveIntake(batch.map { ($0.peer.bytes, $0.frames) }, followUpLater: true) { typing in
                            sentAhead.store(true, ordering: .relaxed)
                            outlet.send(typing)
                        }
                        let hold = followUpHold > .zero && FollowUpHold.applies(to: answer, sentAhead: sentAhead.load(ordering: .relaxed))
                        let (now, held) = hold ? FollowUpHold.split(answer) : (answer, [])
                        outlet.send(now)
                        if hold { try? await Task.sleep(for: followUpHold) }
                        outlet.send(held + (await core.intakeFollowUp()))
                    }
                }
            }
            group.addTask {
                await core.lateDecisions.run { outlet.send($0) }
            }
            await group.next()
            group.cancelAll()
        }
    }

    private func admitted(_ message: RoutedMessage, _ link: GuardLink) -> Bool {
        guard links.gate?.admits(link: link, userId: message.userId) ?? (message.userId == nil) else {
            logger.warning("refused a message from a peer not admitted on this link", metadata: [
                "link": "\(link.rawValue)", "peer.identity": "\(PeerKeyGate.describe(message.userId))",
            ])
            return false
        }
        return true
    }
}
