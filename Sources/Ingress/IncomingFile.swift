import Messages
import Telegram

/// The one file a message carries, with what is needed to fetch it. Telegram puts at most one of these fields on a
/// message; the first present in the order below is taken.
public struct IncomingFile: Sendable, Equatable {
    public var kind: InboundUpdate.Attachment.Kind
    public var fileId: String
    public var fileName: String?
    public var mimeType: String?
    public var size: Int64?

    /// The file of `message`, if any. Of a photo's sizes the largest known to be within `limit` is taken; else the
    /// largest of unknown size (the download enforces the limit); else the smallest (which is then too large).
    public init?(of message: TelegramMessage, limit: Int) {
        if let document = message.document {
            self.init(.document, document.file_id, document.file_name, document.mime_type, document.file_size)
        } else if let photo = Self.photoSize(message.photo ?? [], limit: limit) {
            self.init(.photo, photo.file_id, nil, "image/jpeg", photo.file_size)
        } else if let voice = message.voice {
            self.init(.voice, voice.file_id, nil, voice.mime_type, voice.file_size)
        } else if let audio = message.audio {
            self.init(.audio, audio.file_id, audio.file_name, audio.mime_type, audio.file_size)
        } else if let video = message.video {
            self.init(.video, video.file_id, video.file_name, video.mime_type, video.file_size)
        } else if let animation = message.animation {
            self.init(.animation, animation.file_id, animation.file_name, animation.mime_type, animation.file_size)
        } else if let sticker = message.sticker {
            self.init(.sticker, sticker.file_id, nil, nil, sticker.file_size)
        } else {
            return nil
        }
    }

    private init(
        _ kind: InboundUpdate.Attachment.Kind, _ fileId: String, _ fileName: String?, _ mimeType: String?, _ size: Int64?
    ) {
        self.kind = kind
        self.fileId = fileId
        self.fileName = fileName
        self.mimeType = mimeType
        self.size = size
    }

    /// Kinds ingress downloads (voice only to transcribe it); the rest are described, never fetched.
    public var isDownloadable: Bool {
        kind == .document || kind == .photo || kind == .voice
    }

    /// Known to be over `limit` before any download.
    public func exceeds(_ limit: Int) -> Bool {
        (size ?? 0) > Int64(limit)
    }

    static func photoSize(_ sizes: [TelegramPhotoSize], limit: Int) -> TelegramPhotoSize? {
        let known = sizes.filter { $0.file_size != nil }
        if let largest = known.filter({ $0.file_size ?? 0 <= Int64(limit) }).max(by: { ($0.file_size ?? 0) < ($1.file_size ?? 0) }) {
            return largest
        }
        if let unknown = sizes.filter({ $0.file_size == nil }).max(by: { ($0.width, $0.height) < ($1.width, $1.height) }) {
            return unknown
        }
        return known.min { ($0.file_size ?? 0) < ($1.file_size ?? 0) }
    }
}
