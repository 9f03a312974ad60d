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

    /// The inline keyboard's buttons, row after row: each one's text and callback data.
    public var inlineButtons: [(text: String, data: String)] {
        (replyMarkup?["inline_keyboard"]?.arrayValue ?? []).flatMap { row in
            (row.arrayValue ?? []).compactMap { button in
                guard let text = button["text"]?.stringValue, let data = button["callback_data"]?.stringValue else { return nil }
                return (text, data)
            }
        }
    }
}
