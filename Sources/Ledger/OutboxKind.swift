import Messages

/// What an outbox entry asks of Telegram (`OutboxRecord.kind`).
public enum OutboxKind {
    public static let document = "document"
    /// A document whose `text` is the base64 of its bytes (`/get`).
    public static let binaryDocument = "file"
    /// A picture whose `text` is the base64 of its bytes (Claude's `send_file`), sent with `sendPhoto`.
    public static let photo = "photo"
    public static let delete = "delete"
    /// A message deleted once Telegram has answered (sent or refused): the last word to someone just erased.
    public static let ephemeral = "ephemeral"

    public static func deliveryKind(_ kind: String?) -> Delivery.Kind {
        switch kind {
        case document, binaryDocument: .document
        case photo: .photo
        case delete: .deleteMessage
        default: .message
        }
    }
}
