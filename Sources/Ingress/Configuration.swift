import Settings
import Transport

public struct IngressConfiguration: Sendable {
    public struct Polling: Sendable {
        /// Seconds Telegram holds a `getUpdates` call open when there is nothing new.
        public var timeoutSeconds: Int = 25
        /// Updates per call (1–100).
        public var limit: Int = 100
        /// Update kinds asked for; others are never sent by Telegram.
        public var allowedUpdates: [String] = ["message", "edited_message", "callback_query"]

        public init() {}
    }

    public var telegramBaseURL: String
    public var botToken: Secret
    /// The guard's intake endpoint.
    public var guardEndpoint: String
    public var ingressId: String
    /// CURVE on the link to the guard (`tcp://` endpoints); `.none` on `ipc://`.
    public var guardLinkSecurity: SocketOptions.Security = .none
    /// Where the program reports whether it is really working (`gatehouse health`).
    public var health: HealthSignal?
    public var polling: Polling = .init()
    /// How long to wait for the guard's acknowledgement before sending an update again.
    public var ackResendInterval: Duration = .seconds(1)
    /// Files larger than this are not downloaded (`UPLOAD_MAX_BYTES`; the Bot API serves at most 20 MB).
    public var uploadMaxBytes: Int = UpdateTranslator.defaultDownloadLimit
    /// Bound on one file download (getFile excluded), so a stalled one cannot hold up later updates for long.
    public var downloadTimeout: Duration = .seconds(60)
    /// Voice notes are transcribed when set; otherwise they reach the guard as `voice_off`.
    public var voice: VoiceTranscriptionConfiguration?
    /// `ENABLE_TOKEN_AUTH`: whether `/auth` is in the command menu.
    public var tokenAuthEnabled = false
    /// `ADMIN_USERS`: their private chats get the menu with the administrator commands.
    public var adminUsers: Set<Int64> = []

    public init(telegramBaseURL: String, botToken: Secret, guardEndpoint: String, ingressId: String) {
        self.telegramBaseURL = telegramBaseURL
        self.botToken = botToken
        self.guardEndpoint = guardEndpoint
        self.ingressId = ingressId
    }
}
