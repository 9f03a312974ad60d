import AccessControl
import Foundation
import Ledger
import Logging
import PeerKeys
import ServiceLifecycle
import Settings
import Synchronization
import Telemetry
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

    /// The guard's token secret is the one that counts: its fingerprint goes in the database for `gatehouse token
    /// issue` to compare with its own. A changed secret is said plainly: every token issued before stops working.
    static func recordTokenSecret(_ configuration: GuardConfiguration, in ledger: SQLiteLedger, logger: Logger) throws {
        guard let secret = configuration.access.tokenSecret,
            let issuer = try? AccessTokenIssuer(secret: Array(secret.reveal().utf8))
        else { return }
        let fingerprint = issuer.secretFingerprint
        let previous = try ledger.setKeyringValue(SQLiteLedger.tokenSecretFingerprint, fingerprint)
        if let previous, previous != fingerprint {
            logger.warning("AUTH_TOKEN_SECRET changed since the last start: tokens issued before no longer work")
        }
    }

    public func run() async throws {
        let ledger = try SQLiteLedger(path: configuration.databasePath, cipher: configuration.dataCipher, checkpointedElsewhere: true)
        try Self.recordTokenSecret(configuration, in: ledger, logger: logger)
        let checkpointer = try WALCheckpointer(path: configuration.databasePath)
        let statusStore = try SQLiteStatusStore(path: configuration.databasePath)
        let identities = ExecutorIdentities()
        let core = GuardCore(configuration: configuration, ledger: ledger, clock: clock, logger: logger)
        let links = try await GuardLinks(configuration: configuration, context: context, logger: logger)
        let metrics = try await bindMetrics(core: core)
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
                            if link == .work, let identity = message.userId { identities.note(peer: message.peer.bytes, identity: identity) }
                            let out = await core.receive(link: link, peer: message.peer.bytes, frames: message.frames)
                            outlet.send(out)
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
                        // The guard works while Telegram fails; the health file says replies are held.
                        let telegram = await core.telegramProblem
                        configuration.health?.set(ok: true, detail: telegram.map { "deciding; \($0)" } ?? "deciding")
                    }
                }
                group.addTask {
                    for await out in core.lateDecisions { outlet.send(out) }
                }
                // Who is connected, for `gatehouse status`: written every 2 s, apart from the decision loop.
                group.addTask {
                    while !Task.isCancelled {
                        do {
                            try statusStore.write(await core.statusSnapshot(keys: identities.fingerprints()))
                        } catch {
                            logger.debug("could not write the status snapshot", metadata: ["error": "\(error)"])
                        }
                        try? await Task.sleep(for: .seconds(2))
                    }
                }
                if let metrics {
                    group.addTask {
                        do {
                            try await metrics.run()
                        } catch {
                            logger.error("the metrics endpoint stopped; the guard goes on without it", metadata: ["error": "\(error)"])
                        }
                        // The group ends when its first task does: only the links' ends may end the guard.
                        try? await Task.sleep(for: .seconds(1_000_000_000))
                    }
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

extension GuardService {
    /// With `METRICS_ADDRESS` set: swift-metrics on, and the endpoint that serves the guard's and every peer's figures.
    func bindMetrics(core: GuardCore) async throws -> MetricsEndpoint? {
        guard let address = configuration.metricsAddress, let colon = address.lastIndex(of: ":"),
              let port = Int(address[address.index(after: colon)...]) else { return nil }
        Telemetry.enable()
        return try await MetricsEndpoint.bind(host: String(address[..<colon]), port: port, logger: logger) {
            await core.metricsExposition()
        }
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

/// The CURVE identity each executor connection admitted with (`executor:<key>`), for `gatehouse status`.
private final class ExecutorIdentities: Sendable {
    private let identities = Mutex<[Data: String]>([:])

    func note(peer: Data, identity: String) {
        identities.withLock { identities in
            guard identities[peer] != identity else { return }
            if identities.count >= 1_000 { identities = [:] }  // stale connections of restarted executors; re-noted at once
            identities[peer] = identity
        }
    }

    /// Each connection's key fingerprint (the snapshot looks up only registered executors' connections).
    func fingerprints() -> [Data: String] {
        identities.withLock { identities in
            identities.compactMapValues { identity in
                identity.split(separator: ":", maxSplits: 1).last.map { PeerKeyRecord.fingerprint(of: String($0)) }
            }
        }
    }
}
