import Foundation

/// A file Claude sends to the person's chat (its `send_file` tool), from the executor to the guard, after the guard
/// allowed the tool call and the executor read the file inside the workspace.
public struct FileToChat: WireMessage, Equatable {
    public static let type = MessageType.fileToChat

    public var jobId: String
    public var attempt: Int
    /// Unique within the job (the tool call's control request id); the receipt carries it back.
    public var requestId: String
    public var fileName: String
    public var data: Data
    /// A picture within Telegram's photo limits (told from its content); otherwise it goes as a document.
    public var asPhoto: Bool

    public init(jobId: String, attempt: Int, requestId: String, fileName: String, data: Data, asPhoto: Bool) {
        self.jobId = jobId
        self.attempt = attempt
        self.requestId = requestId
        self.fileName = fileName
        self.data = data
        self.asPhoto = asPhoto
    }
}

/// The guard's answer to a `FileToChat`: in the outbox (it will be delivered like a reply), or refused with why.
public struct FileToChatReceipt: WireMessage, Equatable {
    public static let type = MessageType.fileToChatReceipt

    public var jobId: String
    public var requestId: String
    public var accepted: Bool
    /// Why it was refused; Claude is told.
    public var reason: String?

    public init(jobId: String, requestId: String, accepted: Bool, reason: String? = nil) {
        self.jobId = jobId
        self.requestId = requestId
        self.accepted = accepted
        self.reason = reason
    }
}
