/// The Bot API's file-carrying types, as far as Gatehouse reads them. Every one has a `file_id` for `getFile`;
/// `file_size` is what the sender's client claims (the download limit is enforced again while downloading).
public struct TelegramPhotoSize: Codable, Sendable, Equatable {
    public var file_id: String
    public var width: Int
    public var height: Int
    public var file_size: Int64?

    public init(file_id: String, width: Int, height: Int, file_size: Int64? = nil) {
        self.file_id = file_id
        self.width = width
        self.height = height
        self.file_size = file_size
    }
}

public struct TelegramVoice: Codable, Sendable, Equatable {
    public var file_id: String
    public var duration: Int?
    public var mime_type: String?
    public var file_size: Int64?

    public init(file_id: String, duration: Int? = nil, mime_type: String? = nil, file_size: Int64? = nil) {
        self.file_id = file_id
        self.duration = duration
        self.mime_type = mime_type
        self.file_size = file_size
    }
}

/// Documents, audio, video and animations share the fields Gatehouse reads.
public struct TelegramMediaFile: Codable, Sendable, Equatable {
    public var file_id: String
    public var file_name: String?
    public var mime_type: String?
    public var file_size: Int64?

    public init(file_id: String, file_name: String? = nil, mime_type: String? = nil, file_size: Int64? = nil) {
        self.file_id = file_id
        self.file_name = file_name
        self.mime_type = mime_type
        self.file_size = file_size
    }
}

public typealias TelegramDocument = TelegramMediaFile
public typealias TelegramAudio = TelegramMediaFile
public typealias TelegramVideo = TelegramMediaFile
public typealias TelegramAnimation = TelegramMediaFile

public struct TelegramSticker: Codable, Sendable, Equatable {
    public var file_id: String
    public var emoji: String?
    public var file_size: Int64?

    public init(file_id: String, emoji: String? = nil, file_size: Int64? = nil) {
        self.file_id = file_id
        self.emoji = emoji
        self.file_size = file_size
    }
}

/// `getFile`'s answer: where the file can be downloaded from (`file_path`, valid for at least an hour).
public struct TelegramFile: Codable, Sendable, Equatable {
    public var file_id: String
    public var file_size: Int64?
    public var file_path: String?
}
