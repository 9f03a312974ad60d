/// One piece of parsed Telegram HTML. Raw markup is kept so a message can be cut and re-emitted exactly.
enum HTMLToken: Equatable, Sendable {
    /// Text between tags: `raw` as written (entities still encoded), `visible` after entity parsing.
    case text(raw: String, visible: String)
    case open(TelegramTag)
    case close(name: String, raw: String)
}
