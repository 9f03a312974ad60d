import Messages

/// What an outbox entry asks of Telegram (`OutboxRecord.kind`).
enum OutboxKind {
    static let document = "document"
    /// A document whose `text` is the base64 of its bytes (`/get`).
    static let binaryDocument = "file"
    /// A picture whose `text` is the base64 of its bytes (Claude's `send_file`), sent with `sendPhoto`.
    static let photo = "photo"
    static let delete = "delete"
    /// A message deleted once Telegram has answered (sent or refused): the last word to someone just erased.
    static let ephemeral = "ephemeral"

    static func deliveryKind(_ kind: String?) -> Delivery.Kind {
        switch kind {
        case document, binaryDocument: .document
        case photo: .photo
        case delete: .deleteMessage
        default: .message
        }
    }
}
