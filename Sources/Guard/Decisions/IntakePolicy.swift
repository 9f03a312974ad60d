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
        /// A command the guard carries out itself.
        case command(Command)
        /// A button was pressed by an allowed person; `data` is the button's callback data.
        case button(callbackId: String, data: String)
        /// A button was pressed by someone who may not use the bot: answer the press with `text`.
        case refuseButton(callbackId: String, text: String, event: String, reason: String)
    }

    public enum Command: Sendable, Equatable {
        /// Stop the sender's running and queued requests.
        case stop
        /// Show (nil) or set how much progress detail the sender sees: 0, 1 or 2.
        case verbose(Int?)
    }

    /// The audit event of a refusal to someone not on the allowlist.
    public static let accessDenied = "access.denied"

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
            return decideButton(update)
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
                text: ReplyTexts.notAllowed(userId: sender.id), event: Self.accessDenied, reason: "user not on the allowlist")
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
            case "/stop":
                return .command(.stop)
            case "/verbose":
                let argument = text.split(separator: " ").dropFirst().first.map(String.init)
                guard let argument else { return .command(.verbose(nil)) }
                guard let level = Int(argument), (0...2).contains(level) else {
                    return .reply(text: ReplyTexts.verboseUsage, event: "command.invalid", reason: "/verbose argument")
                }
                return .command(.verbose(level))
            default:
                return .reply(text: ReplyTexts.unknownCommand(name), event: "command.unknown", reason: "unknown command")
            }
        }
        return .runPrompt(text)
    }

    /// Button presses pass the same checks as messages: the person pressing must be allowed.
    private func decideButton(_ update: InboundUpdate) -> Decision {
        guard let callback = update.callback else { return .ignore(reason: "button press without its query") }
        guard let sender = update.sender, !sender.isBot else {
            return .refuseButton(callbackId: callback.id, text: ReplyTexts.buttonNotYours, event: "button.refused", reason: "no sender")
        }
        guard allowedUsers.contains(sender.id) || adminUsers.contains(sender.id) else {
            return .refuseButton(
                callbackId: callback.id, text: ReplyTexts.notAllowed(userId: sender.id), event: "access.denied",
                reason: "button pressed by someone not on the allowlist")
        }
        guard let data = callback.data, !data.isEmpty, data.utf8.count <= 64 else {
            return .refuseButton(callbackId: callback.id, text: ReplyTexts.buttonExpired, event: "button.invalid", reason: "missing or oversized data")
        }
        return .button(callbackId: callback.id, data: data)
    }
}
