import Foundation
import Logging
import Messages
import Settings
import Synchronization
import Telemetry
import Transport

/// The link every moving part (ingress, executor, egress) keeps to the guard: a DEALER that heartbeats, notices
/// when the guard goes silent or restarts, and registers again by itself.
public final class GuardConnection: Sendable {
    public struct Configuration: Sendable {
        public var endpoint: String
        /// This program's id, sent in heartbeats.
        public var peerId: String
        public var heartbeatInterval: Duration = .seconds(1)
        /// The guard is presumed gone after this much silence (about three missed heartbeats).
        public var guardTimeout: Duration = .milliseconds(3_500)
        public var security: SocketOptions.Security = .none
        /// Reports whether the guard answers (for `gatehouse health`).
        public var health: HealthSignal?

        public init(endpoint: String, peerId: String) {
            self.endpoint = endpoint
            self.peerId = peerId
        }

        public static func guardLink(
            _ endpoint: String, peerId: String, security: SocketOptions.Security, health: HealthSignal?
        ) -> Configuration {
            var configuration = Configuration(endpoint: endpoint, peerId: peerId)
            configuration.security = security
            configuration.health = health
            return configuration
        }
    }

    private struct State {
        var guardInstance: String?
        var lastHeard: ContinuousClock.Instant?
        var guardReachable = false
        var lastRegistration: ContinuousClock.Instant?
        /// The guard serves metrics: send this program's with a heartbeat every `metricsInterval`.
        var collectMetrics = false
        var lastMetricsSent: ContinuousClock.Instant?
    }

    static let metricsInterval: Duration = .seconds(5)

    /// Heartbeats queued while the guard was away are all answered "not registered" at once; one registration
    /// answers them all.
    static let registrationDebounce: Duration = .seconds(1)

    private let configuration: Configuration
    private let context: ZMQContext
    private let socket: Mutex<DealerSocket>
    private let logger: Logger
    private let registration: @Sendable () async -> [Data]?
    private let afterRegistration: @Sendable () async -> Void
    private let state = Mutex(State())
    private let inbox: AsyncStream<Envelope>
    private let inboxContinuation: AsyncStream<Envelope>.Continuation

    /// - Parameters:
    ///   - registration: the frames that (re-)register this peer (its READY message), or nil if it has none.
    ///   - afterRegistration: runs after each registration, to re-send what the guard may have missed.
    public init(
        context: ZMQContext, configuration: Configuration, logger: Logger,
        registration: @escaping @Sendable () async -> [Data]?,
        afterRegistration: @escaping @Sendable () async -> Void = {}
    ) throws {
        self.configuration = configuration
        self.logger = logger
        self.registration = registration
        self.afterRegistration = afterRegistration
        self.context = context
        socket = Mutex(try Self.makeSocket(context: context, configuration: configuration, logger: logger))
        (inbox, inboxContinuation) = AsyncStream.makeStream(of: Envelope.self)
    }

    private static func makeSocket(context: ZMQContext, configuration: Configuration, logger: Logger) throws(TransportError) -> DealerSocket {
        var options = SocketOptions()
        options.security = configuration.security
        options.routingId = Data("\(configuration.peerId)-\(UUID().uuidString.prefix(8))".utf8)
        return try DealerSocket(context: context, connect: configuration.endpoint, options: options, logger: logger)
    }

    /// The socket in use now; replaced after the guard refused this program's key.
    private var current: DealerSocket { socket.withLock { $0 } }

    /// Messages from the guard other than heartbeats.
    public var messages: AsyncStream<Envelope> { inbox }

    /// Ends `messages` now (what arrives later is dropped) while the connection stays up for sending: a program
    /// that drains on shutdown stops taking work this way without wrapping the stream in a shutdown-aware one, whose
    /// merge put another task between the socket and the reader of every message.
    public func stopTakingMessages() {
        inboxContinuation.finish()
    }

    /// Whether the guard answered heartbeats recently.
    public var guardReachable: Bool { state.withLock { $0.guardReachable } }

    public func send<M: WireMessage>(_ message: M) async throws {
        try await current.send(try WireCodec.encode(message))
    }

    /// Sends an already encoded message.
    public func sendFrames(_ frames: [Data]) async throws {
        try await current.send(frames)
    }

    /// Registers, then heartbeats and reads until the surrounding task is cancelled; closes the socket on the way out.
    public func run() async {
        await withTaskGroup(of: Void.self) { group in
            // Watching for a refusal from the start: a refused registration waits for a connection that libzmq
            // will never make again, until the socket is replaced.
            group.addTask { await self.askAgainAfterRefusals() }
            group.addTask { await self.receiveLoop() }
            group.addTask {
                await self.register(reason: "start")
                await self.heartbeatLoop()
            }
            await group.next()
            group.cancelAll()
        }
        inboxContinuation.finish()
        await current.close()
    }

    /// This program's CURVE public key as `gatehouse keys list` shows it (first 16 hex digits of its bytes).
    private var ownFingerprint: String {
        guard case .curveClient(_, let publicKey, _) = configuration.security,
              let hex = CurveKeyPair.hexFingerprint(publicKey) else { return "-" }
        return String(hex.prefix(16))
    }

    /// First wait before asking again after the guard refused this program's key; doubles up to `refusalRetryLimit`.
    static let refusalRetryFirst: Duration = .seconds(2)
    static let refusalRetryLimit: Duration = .seconds(10)

    /// libzmq gives up on a connection whose key the guard refused. An executor key becomes usable when an admin
    /// accepts it (`gatehouse keys accept`), so ask again with a new socket, backing off, until the guard admits it.
    private func askAgainAfterRefusals() async {
        var wait = Self.refusalRetryFirst
        while !Task.isCancelled {
            let refused = current
            var wasRefused = false
            for await _ in refused.handshakeRefusals {
                wasRefused = true
                break
            }
            guard wasRefused, !Task.isCancelled else { return }
            logger.warning("the guard refused this program's key; asking again (an admin admits an executor with `gatehouse keys accept FINGERPRINT`)", metadata: [
                "endpoint": "\(configuration.endpoint)", "retry.in.s": "\(wait.components.seconds)",
                "key.fingerprint": "\(ownFingerprint)",
            ])
            configuration.health?.set(ok: false, detail: "key refused by the guard")
            try? await Task.sleep(for: wait)
            if Task.isCancelled { return }
            wait = min(wait * 2, Self.refusalRetryLimit)
            do {
                let fresh = try Self.makeSocket(context: context, configuration: configuration, logger: logger)
                socket.withLock { $0 = fresh }
                await refused.close()
            } catch {
                logger.error("could not open a new connection to the guard", metadata: ["error": "\(error)"])
            }
        }
    }

    private func register(reason: String) async {
        guard let frames = await registration() else { return }
        state.withLock { $0.lastRegistration = .now }
        do {
            try await current.send(frames)
            logger.info("registering with the guard", metadata: ["reason": "\(reason)"])
            await afterRegistration()
        } catch {
            logger.warning("could not send registration", metadata: ["error": "\(error)"])
        }
    }

    /// Reads the current socket; when it is replaced (its stream ends while the connection still runs), the new one.
    private func receiveLoop() async {
        while !Task.isCancelled {
            let reading = current
            await receive(from: reading)
            if reading === current { return }  // closed for good, not replaced
        }
    }

    private func receive(from socket: DealerSocket) async {
        for await frames in socket.messages {
            if Task.isCancelled { break }
            let envelope: Envelope
            do {
                envelope = try WireCodec.envelope(of: frames)
            } catch {
                logger.warning("dropped a malformed message from the guard", metadata: ["error": "\(error)"])
                continue
            }
            guard envelope.type == .heartbeat else {
                noteHeard(instance: nil)
                inboxContinuation.yield(envelope)
                continue
            }
            guard let heartbeat = try? WireCodec.decode(Heartbeat.self, from: envelope) else { continue }
            if heartbeat.collectMetrics == true, !state.withLock({ $0.collectMetrics }) {
                Telemetry.enable()
                state.withLock { $0.collectMetrics = true }
            }
            let restarted = noteHeard(instance: heartbeat.senderId)
            if restarted {
                await register(reason: "guard restarted")
            } else if heartbeat.registered == false {
                let due = state.withLock { state in
                    state.lastRegistration.map { ContinuousClock.now - $0 >= Self.registrationDebounce } ?? true
                }
                if due { await register(reason: "guard does not know this peer") }
            }
        }
    }

    /// Returns true when the guard's instance id changed (it restarted), so this peer must register again.
    @discardableResult
    private func noteHeard(instance: String?) -> Bool {
        let (restarted, cameBack) = state.withLock { state -> (Bool, Bool) in
            state.lastHeard = .now
            let cameBack = !state.guardReachable
            state.guardReachable = true
            guard let instance else { return (false, cameBack) }
            let restarted = state.guardInstance != nil && state.guardInstance != instance
            state.guardInstance = instance
            return (restarted, cameBack)
        }
        if cameBack {
            logger.info("guard reachable", metadata: ["endpoint": "\(configuration.endpoint)"])
            configuration.health?.set(ok: true, detail: "guard reachable")
        }
        return restarted
    }

    private func metricsDue() -> Bool {
        state.withLock { state in
            guard state.collectMetrics else { return false }
            if let last = state.lastMetricsSent, ContinuousClock.now - last < Self.metricsInterval { return false }
            state.lastMetricsSent = .now
            return true
        }
    }

    private func heartbeatLoop() async {
        while !Task.isCancelled {
            var beat = Heartbeat(senderId: configuration.peerId, sentAt: Date().epochMillis)
            beat.metrics = metricsDue() ? Telemetry.exposition() : nil
            do {
                try await send(beat)
            } catch {
                logger.debug("heartbeat not sent", metadata: ["error": "\(error)"])
            }
            let wentSilent = state.withLock { state -> Bool in
                guard state.guardReachable, let last = state.lastHeard,
                    ContinuousClock.now - last > configuration.guardTimeout
                else { return false }
                state.guardReachable = false
                return true
            }
            if wentSilent {
                configuration.health?.set(ok: false, detail: "guard not answering")
                logger.warning("guard not answering; will re-register when it is back", metadata: [
                    "endpoint": "\(configuration.endpoint)",
                ])
            }
            try? await Task.sleep(for: configuration.heartbeatInterval)
        }
    }
}
