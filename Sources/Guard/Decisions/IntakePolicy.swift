import Messages

/// Decides what an inbound update becomes, before anything runs: a prompt for Claude, a direct reply, or nothing.
/// Deny by default: only the listed people get anything but a refusal.
public struct IntakePolicy: Sendable {
    public enum Decision: Sendable, Equatable {
        /// Run Claude with this prompt.
        case runPrompt(String)
        /// Answer directly. `event` and `reason` go to the audit log.
        case reply(text: String, event: String, reason: String)
        /// Commit and do nothing else (still audited).
        case ignore(reason: String)
    }

    public var allowedUsers: Set<Int64>
    public var adminUsers: Set<Int64>

    public init(allowedUsers: Set<Int64>, adminUsers: Set<Int64>) {
        self.allowedUsers = allowedUsers
        self.adminUsers = adminUsers
    }

    public func decide(_ update: InboundUpdate) -> Decision {
        switch update.kind {
        case .unsupported:
            return .ignore(reason: "unsupported update kind \(update.rawKind ?? "unknown")")
        case .editedMessage:
            return .ignore(reason: "edited messages are not run again")
        case .callbackQuery:
            return .ignore(reason: "no buttons are offered yet")
        case .message:
            break
        }
        guard let sender = update.sender, update.chat != nil else {
            return .ignore(reason: "message without a sender or chat")
        }
        if sender.isBot {
            return .ignore(reason: "message from a bot")
        }
        guard update.chat?.type == "private" else {
            return .ignore(reason: "group chats are not handled yet")
        }
        guard allowedUsers.contains(sender.id) || adminUsers.contains(sender.id) else {
            return .reply(
                text: ReplyTexts.notAllowed(userId: sender.id), event: "access.denied", reason: "user not on the allowlist")
        }
        guard let text = update.text?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else {
            return .reply(text: ReplyTexts.textOnly, event: "request.refused", reason: "message without text")
        }
        if text.hasPrefix("/") {
            let command = text.split(separator: " ", maxSplits: 1).first.map(String.init) ?? text
            let name = command.split(separator: "@").first.map(String.init) ?? command
            switch name {
            case "/start", "/help":
                return .reply(text: ReplyTexts.help, event: "command", reason: name)
            default:
                return .reply(text: ReplyTexts.unknownCommand(name), event: "command.unknown", reason: "unknown command")
            }
        }
        return .runPrompt(text)
    }
}
