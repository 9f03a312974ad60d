import Foundation

/// A message the bot sent (and possibly edited or deleted) in one chat, in its latest state.
public struct FakeTelegramMessage: Sendable {
    public var messageId: Int64
    public var chatId: Int64
    /// "text", "document" or "photo".
    public var kind: String
    /// The text exactly as sent (with its HTML or Markdown markup).
    public var text: String?
    /// The text as a user would read it: markup removed and HTML entities decoded (HTML parse mode only).
    public var plainText: String?
    public var caption: String?
    public var parseMode: String?
    public var replyMarkup: FakeTelegramValue?
    public var fileName: String?
    public var fileBytes: Data?
    /// The file_id of a document or photo sent by reference rather than uploaded.
    public var fileReference: String?
    public var editCount: Int
    public var deleted: Bool

    public var documentFilename: String? { kind == "document" ? fileName : nil }
    public var documentBytes: Data? { kind == "document" ? fileBytes : nil }
}
