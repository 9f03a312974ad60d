import AccessControl
import Foundation
import Ledger
import Logging
import Messages
import PeerKeys
import ServiceLifecycle
import Settings
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

    public init(configuration: GuardConfiguration, context: ZMQContext, logger: Logger) {
        self.init(configuration: configuration, context: context, clock: SystemWallClock(), logger: logger)
    }

    public init(configuration: GuardConfiguration, context: ZMQContext, clock: any WallClock, logger: Logger) {
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
        logger.info("guard ready", metadata: [
            "instance": "\(core.instanceId)", "intake": "\(configuration.endpoints.intake)",
            "work": "\(configuration.endpoints.work)", "delivery": "\(configuration.endpoints.delivery)",
        ])
        let outlet = GuardOutlet(sockets: links.sockets, logger: logger)
        let memory = BurstWatch()
        // Started in this order, stopped in the reverse: the metrics endpoint and the status snapshot first, then
        // the clock (nothing more is decided by time), then the links (the sockets close), the checkpointer last.
        let pieces: [any Service] = [
            CheckpointService(checkpointer: checkpointer, logger: logger),
            GuardLinkService(
                links: links, core: core, outlet: outlet, identities: identities, memory: memory, clock: clock,
                followUpHold: .milliseconds(configuration.timing.followUpHoldMs), logger: logger),
            GuardClock(
                core: core, outlet: outlet, links: links, ledger: ledger, memory: memory, clock: clock,
                health: configuration.health),
            StatusSnapshotWriter(core: core, store: statusStore, identities: identities, logger: logger),
        ] + (metrics.map { [MetricsService(endpoint: $0, logger: logger)] } ?? [])
        try await ProgramServiceGroup.run(pieces, logger: logger)
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
