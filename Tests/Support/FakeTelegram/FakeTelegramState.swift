import Foundation

/// Everything the fake remembers. Only ever touched while holding `FakeTelegramCore.condition`.
struct FakeTelegramState {
    struct PendingUpdate {
        var id: Int64
        var kind: String
        var value: FakeTelegramValue
    }

    /// A `rateLimit(...)` instruction not yet used up.
    struct RateLimitRule {
        var method: String
        var chatId: Int64?
        var retryAfter: Int
        var remaining: Int
    }

    /// A 429 the fake answered: the bot must not call `method` for `chatId` again before `until`.
    struct Penalty {
        var method: String
        var chatId: Int64?
        var until: Date
    }

    struct InjectedFailure {
        var status: Int
        var description: String
    }

    struct StoredFile {
        var fileId: String
        var uniqueId: String
        var path: String
        var bytes: Data
    }

    var port = 0
    var stopped = false
    var nextUpdateId: Int64 = 100_000
    var pendingUpdates: [PendingUpdate] = []
    var confirmedOffset: Int64 = 0
    var allowedUpdates: Set<String>?
    var activeLongPolls = 0
    var chats: [Int64: FakeTelegramChat] = [:]
    var privateChatUsers: [Int64: FakeTelegramUser] = [:]
    var lastMessageId: [Int64: Int64] = [:]
    var userMessageIds: [Int64: Set<Int64>] = [:]
    var botMessages: [Int64: [FakeTelegramMessage]] = [:]
    var calls: [FakeTelegramCall] = []
    var violations: [String] = []
    /// Flood limits, when emulated (`FakeTelegramServer.emulateLimits`).
    var limiter: FakeTelegramLimiter?
    var rateLimits: [RateLimitRule] = []
    var penalties: [Penalty] = []
    var injectedFailures: [String: [InjectedFailure]] = [:]
    /// Every call (getUpdates included) fails this way until then: an outage (`FakeTelegramServer.failEverything`).
    var outage: (failure: InjectedFailure, until: Date)?
    var filesById: [String: StoredFile] = [:]
    var nextFileNumber = 1
    var callbackQueries: [String: Bool] = [:]
    var nextCallbackQueryNumber: Int64 = 1
    var commands: FakeTelegramValue?
    var commandsByScope: [String: FakeTelegramValue] = [:]
    var undecodableElements: [String] = []

    mutating func newMessageId(in chatId: Int64) -> Int64 {
        let id = (lastMessageId[chatId] ?? 0) + 1
        lastMessageId[chatId] = id
        return id
    }

    mutating func remember(chat: FakeTelegramChat, user: FakeTelegramUser? = nil) {
        chats[chat.id] = chat
        if chat.type == "private", let user { privateChatUsers[chat.id] = user }
    }

    mutating func storeFile(fileId: String? = nil, bytes: Data, fileName: String?) -> StoredFile {
        let number = nextFileNumber
        nextFileNumber += 1
        let id = fileId ?? "FAKEFILE\(number)"
        let ext = fileName.flatMap { name in name.contains(".") ? name.split(separator: ".").last.map(String.init) : nil }
        let path = "documents/file_\(number)" + (ext.map { ".\($0)" } ?? "")
        let file = StoredFile(fileId: id, uniqueId: "FAKEUNIQUE\(number)", path: path, bytes: bytes)
        filesById[id] = file
        return file
    }
}
