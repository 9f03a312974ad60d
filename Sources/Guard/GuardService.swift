import Foundation
import Logging
import ServiceLifecycle
import Settings
import Synchronization
import Transport

/// The guard program: binds the intake, work and delivery endpoints, feeds everything it hears to `GuardCore`,
/// sends what the core answers, and ticks the core's clock. Restarting it loses nothing: all state is in SQLite.
public struct GuardService: Service, CustomStringConvertible {
    public var description: String { "guard" }

    private let configuration: GuardConfiguration
    private let context: ZMQContext
    private let clock: any WallClock
    private let logger: Logger

    public init(configuration: GuardConfiguration, context: ZMQContext, clock: any WallClock = SystemWallClock(), logger: Logger) {
        self.configuration = configuration
        self.context = context
        self.clock = clock
        self.logger = logger
    }

    public func run() async throws {
        let ledger = try SQLiteLedger(path: configuration.databasePath, cipher: configuration.dataCipher, checkpointedElsewhere: true)
        let checkpointer = try WALCheckpointer(path: configuration.databasePath)
        let core = GuardCore(configuration: configuration, ledger: ledger, clock: clock, logger: logger)
        let links = try await GuardLinks(configuration: configuration, context: context, logger: logger)
        let sockets = links.sockets
        let gate = links.gate
        logger.info("guard ready", metadata: [
            "instance": "\(core.instanceId)", "intake": "\(configuration.endpoints.intake)",
            "work": "\(configuration.endpoints.work)", "delivery": "\(configuration.endpoints.delivery)",
        ])
        let outlet = Outlet(sockets: sockets, logger: logger)
        let memory = BurstWatch()
        let admitted: @Sendable (RoutedMessage, GuardLink) -> Bool = { message, link in
            guard gate?.admits(link: link, userId: message.userId) ?? (message.userId == nil) else {
                logger.warning("refused a message from a peer not admitted on this link", metadata: [
                    "link": "\(link.rawValue)", "peer.identity": "\(PeerKeyGate.describe(message.userId))",
                ])
                return false
            }
            return true
        }

        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                for (link, socket) in sockets where link != .intake {
                    group.addTask {
                        for await message in socket.messages {
                            guard admitted(message, link) else { continue }
                            let out = await core.receive(link: link, peer: message.peer.bytes, frames: message.frames)
                            outlet.send(out)
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
                            outlet.send(await core.receiveIntake(batch.map { ($0.peer.bytes, $0.frames) }, followUpLater: true))
                            outlet.send(await core.intakeFollowUp())
                        }
                    }
                }
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: .milliseconds(250))
                        outlet.send(await core.tick())
                        links.syncKeysIfDue()
                        if memory.shouldRelease(now: clock.now()) { ledger.releaseMemory() }
                        configuration.health?.set(ok: true, detail: "deciding")
                    }
                }
                group.addTask {
                    for await out in core.lateDecisions { outlet.send(out) }
                }
                group.addTask {
                    await checkpointer.run(every: .seconds(1)) { error in
                        logger.warning("ledger checkpoint failed; the next one tries again", metadata: ["error": "\(error)"])
                    }
                }
                await group.next()
                group.cancelAll()
            }
        } onGracefulShutdown: {
            logger.info("guard stopping; peers will reconnect to the next instance")
            Task {
                for socket in sockets.values { await socket.close() }
            }
        }
        await links.close()
        logger.info("guard stopped")
    }
}

/// Sends the core's answers on the right socket: each link's messages in order, handed to its socket thread in
/// one go, without waiting for libzmq (an acknowledgement to ingress does not hold up the job it caused, and the
/// core goes on deciding meanwhile). A peer that went away is not an error: it will reconnect, and whatever it
/// needed is re-sent from the ledger.
private struct Outlet: Sendable {
    let sockets: [GuardLink: RouterSocket]
    let logger: Logger

    func send(_ messages: [Outbound]) {
        guard !messages.isEmpty else { return }
        var byLink: [GuardLink: [Outbound]] = [:]
        for message in messages { byLink[message.link, default: []].append(message) }
        for (link, batch) in byLink {
            guard let socket = sockets[link] else { continue }
            socket.post(batch.map { (frames: $0.frames, peer: PeerID($0.peer)) }) { [logger] _, error in
                logger.debug("message not delivered to a peer", metadata: ["link": "\(link.rawValue)", "error": "\(error)"])
            }
        }
    }
}

/// `BurstMemoryRelease` shared by the intake task (which counts) and the clock task (which asks).
private final class BurstWatch: Sendable {
    private let state = Mutex(BurstMemoryRelease())

    func arrived(_ count: Int, at now: Int64) { state.withLock { $0.arrived(count, at: now) } }

    func shouldRelease(now: Int64) -> Bool { state.withLock { $0.shouldRelease(now: now) } }
}
