import Telegram

/// Whether a group message is meant for the bot, and its text as the guard should read it. In a group the bot sees
/// (without privacy mode) every message; only these are for it: a mention of its @username (or of the bot itself,
/// for a mention without a username), a command for it (`/cmd@thisbot`, or a plain `/cmd`), a reply to one of its
/// messages.
enum GroupAddressing {
    static func isAddressed(_ message: TelegramMessage, to bot: BotIdentity) -> Bool {
        if message.reply_to_message?.from?.id == bot.id { return true }
        let text = message.text ?? message.caption ?? ""
        if let command = commandTarget(text) {
            return command.target.map { bot.matches($0) } ?? true
        }
        let entities = (message.text != nil ? message.entities : message.caption_entities) ?? []
        return entities.contains { entity in
            switch entity.type {
            case "mention": slice(text, entity).map { $0.hasPrefix("@") && bot.matches(String($0.dropFirst())) } ?? false
            case "text_mention": entity.user?.id == bot.id
            default: false
            }
        }
    }

    /// `text` without a leading mention of the bot ("@thisbot, do x" → "do x"), and with a command's bot suffix
    /// removed ("/ls@thisbot src" → "/ls src"), so the guard reads it as if sent in a private chat.
    static func stripped(_ text: String, for bot: BotIdentity) -> String {
        if text.hasPrefix("/") {
            let word = text.prefix { !$0.isWhitespace }
            if let at = word.firstIndex(of: "@"), bot.matches(String(word[word.index(after: at)...])) {
                return String(word[..<at] + text[word.endIndex...])
            }
            return text
        }
        guard let username = bot.username, text.hasPrefix("@") else { return text }
        let mention = text.dropFirst().prefix(username.count)
        guard mention.lowercased() == username.lowercased() else { return text }
        var rest = text.dropFirst(1 + username.count)
        if let next = rest.first, !(next.isWhitespace || next == "," || next == ":") { return text }  // @thisbot_2
        if rest.first == "," || rest.first == ":" { rest = rest.dropFirst() }
        return String(rest.drop { $0.isWhitespace })
    }

    /// A command at the start of `text`: its name ("/ls") and the bot it names after "@", if any.
    static func commandTarget(_ text: String) -> (name: String, target: String?)? {
        guard text.hasPrefix("/") else { return nil }
        let word = text.prefix { !$0.isWhitespace }
        guard let at = word.firstIndex(of: "@") else { return (String(word), nil) }
        return (String(word[..<at]), String(word[word.index(after: at)...]))
    }

    /// The text an entity covers (offsets count UTF-16 code units); nil when it lies outside the text.
    static func slice(_ text: String, _ entity: TelegramMessageEntity) -> String? {
        let units = Array(text.utf16)
        guard entity.offset >= 0, entity.length > 0, entity.offset <= units.count,
              entity.length <= units.count - entity.offset
        else { return nil }
        return String(decoding: units[entity.offset..<(entity.offset + entity.length)], as: UTF16.self)
    }
}

extension BotIdentity {
    func matches(_ username: String) -> Bool {
        guard let own = self.username else { return false }
        return own.lowercased() == username.lowercased()
    }
}
