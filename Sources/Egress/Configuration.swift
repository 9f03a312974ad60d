import Settings

public struct EgressConfiguration: Sendable {
    public var telegramBaseURL: String
    public var botToken: Secret
    /// The guard's delivery endpoint.
    public var guardEndpoint: String
    public var egressId: String
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
