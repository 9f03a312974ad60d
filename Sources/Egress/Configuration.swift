import Settings
import Transport

public struct EgressConfiguration: Sendable {
    public var telegramBaseURL: String
    public var botToken: Secret
    /// The guard's delivery endpoint.
    public var guardEndpoint: String
    public var egressId: String
    /// CURVE on the link to the guard (`tcp://` endpoints); `.none` on `ipc://`.
    public var guardLinkSecurity: SocketOptions.Security = .none
    /// Where the program reports whether it is really working (`gatehouse health`).
    public var health: HealthSignal?
    /// Deliveries worked on at once (each to a different chat).
    public var capacity: Int = 16
    /// Answers longer than this (visible characters) go as a `.md` document with a short summary.
    public var documentThreshold: Int = 12_000

    public init(telegramBaseURL: String, botToken: Secret, guardEndpoint: String, egressId: String) {
        self.telegramBaseURL = telegramBaseURL
        self.botToken = botToken
        self.guardEndpoint = guardEndpoint
        self.egressId = egressId
    }
}
