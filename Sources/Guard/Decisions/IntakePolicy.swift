import Messages

/// Decides what an inbound update becomes, before anything runs: a prompt for Claude, a command, a direct reply,
/// or nothing. Deny by default: only people whose `Standing` lets them use the bot get anything but a refusal, and
/// button presses pass the same checks as messages.
public struct IntakePolicy: Sendable {
    public enum Decision: Sendable, Equatable {
        /// Run Claude with this prompt.
        case runPrompt(String)
        /// Answer directly. `event` and `reason` go to the audit log.
        case reply(text: String, event: AuditEventName, reason: String)
        /// Refuse someone who may not use the bot. Audited every time, answered at most once in a while.
        /// `violation` counts towards anomaly detection.
        case refuse(text: String, event: AuditEventName, reason: String, violation: Bool)
        /// Commit and do nothing else (still audited).
        case ignore(reason: String)
        /// A command the guard carries out itself.
        case command(Command)
        /// A button was pressed by someone who may use the bot; `data` is the button's callback data.
        case button(callbackId: String, data: String)
        /// A button was pressed by someone who may not use it: answer the press with `text`.
        case refuseButton(callbackId: String, text: String, event: AuditEventName, reason: String)
    }

    public enum Command: Sendable, Equatable {
        /// Stop the sender's running and queued requests.
        case stop
        /// Show (nil) or set how much progress detail the sender sees: 0, 1 or 2.
        case verbose(Int?)
        /// Prove a token. The message holding it is deleted whatever the outcome.
        case auth(token: String)
        /// Usage over the last 24 hours (everyone's for admins).
        case cost
        /// Everything stored about the sender, as a JSON file.
        case myData
        /// Erase what is stored about the sender; `confirmed` only with `/forgetme confirm`.
        case forgetMe(confirmed: Bool)
        /// Admins: list people and their standing.
        case users
        /// Admins: change someone's standing.
        case allow(Int64)
        case block(Int64)
        case unblock(Int64)
        /// The chat surface: sessions, directories, files, settings.
        case newSession
        case continueSession(String?)
        case resume
        case cd(String)
        case ls(String?)
        case pwd
        case projects
        case status
        case export(ExportFormat)
        case get(String)
        case model(String?)
        case bind(String)
        /// `/schedule …`: what follows the command, parsed by the guard (`ScheduleCommand`).
        case schedule(String)
        /// A read-only git view of the current project.
        case git(GitView)
        /// The quick actions for the current project, on demand.
        case actions
    }

    /// The longest prompt taken (Telegram's own limit is 4,096 characters; captions 1,024).
    public static let maxPromptLength = 16_384

    /// The audit event of a refusal to someone who may not use the bot.
    public static let accessDenied = AuditEventName.accessDenied
    /// The refusal reason of someone blocked for a while after unusual activity.
    public static let suspendedReason = "temporarily blocked"
    /// Refusals of someone who may use the bot for going over a limit (`GuardCore.admit`): answered once per window.
    public static let limitRefusals: Set<AuditEventName> = [.limitRate, .limitCost]

    public var tokenAuthEnabled: Bool

    public init(tokenAuthEnabled: Bool) {
        self.tokenAuthEnabled = tokenAuthEnabled
    }

    public func decide(_ update: InboundUpdate, standing: Standing?) -> Decision {
        switch update.kind {
        case .unsupported:
            return .ignore(reason: "unsupported update kind \(update.rawKind ?? "unknown")")
        case .editedMessage:
            return .ignore(reason: "edited messages are not run again")
        case .callbackQuery:
            return decideButton(update, standing: standing)
        case .message:
            break
        }
        guard let sender = update.sender, update.chat != nil, let standing else {
            return .ignore(reason: "message without a sender or chat")
        }
        if sender.isBot {
            return .ignore(reason: "message from a bot")
        }
        let text = update.text?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        switch update.chat?.type {
        case "private":
            break
        case "group", "supergroup":
            // In groups the bot answers only what is meant for it; the person is checked as anywhere else.
            guard update.addressedToBot == true || text.hasPrefix("/") else {
                return .ignore(reason: "group message not addressed to the bot")
            }
        default:
            return .ignore(reason: "\(update.chat?.type ?? "unknown") chats are not handled")
        }
        let words = text.split(whereSeparator: \.isWhitespace).map(String.init)
        let name = text.hasPrefix("/") ? (words.first?.split(separator: "@").first.map(String.init) ?? "") : ""

        // A token is proved before anything else: it is how a stranger becomes someone. (Blocked people stay out.)
        if name == "/auth" && (standing.mayUseBot || (standing == .stranger && tokenAuthEnabled)) {
            return .command(.auth(token: words.dropFirst().first ?? ""))
        }
        switch standing {
        case .blocked:
            return .refuse(text: ReplyTexts.blocked, event: .accessDenied, reason: "blocked user", violation: false)
        case .suspended(let until):
            return .refuse(
                text: ReplyTexts.suspended(until: until), event: .accessDenied, reason: Self.suspendedReason,
                violation: false)
        case .stranger:
            return .refuse(
                text: ReplyTexts.notAllowed(userId: sender.id, tokenAuth: tokenAuthEnabled), event: .accessDenied,
                reason: "user not on the allowlist", violation: false)
        case .admin, .user, .authenticated:
            break
        }
        guard !text.isEmpty || !(update.attachments ?? []).isEmpty else {
            return .reply(text: ReplyTexts.textOnly, event: .requestRefused, reason: "message without text")
        }
        guard text.count <= Self.maxPromptLength else {
            return .reply(
                text: ReplyTexts.tooLong(limit: Self.maxPromptLength), event: .requestRefused,
                reason: "message of \(text.count) characters")
        }
        guard text.hasPrefix("/") else { return .runPrompt(text) }
        let rest = text.drop { !$0.isWhitespace }.trimmingCharacters(in: .whitespaces)
        return decideCommand(name, arguments: Array(words.dropFirst()), rest: rest, standing: standing)
    }

    private func decideCommand(_ name: String, arguments: [String], rest: String, standing: Standing) -> Decision {
        switch name {
        case "/start", "/help":
            return .reply(text: ReplyTexts.help(admin: standing.isAdmin, tokenAuth: tokenAuthEnabled), event: .command, reason: name)
        case "/new", "/end": return .command(.newSession)
        // claude-code-telegram's agentic mode: /repo lists the projects, /repo NAME switches to one.
        case "/repo": return .command(arguments.isEmpty ? .projects : .cd("/" + rest))
        case "/continue": return .command(.continueSession(arguments.isEmpty ? nil : rest))
        case "/resume": return .command(.resume)
        case "/pwd": return .command(.pwd)
        case "/projects": return .command(.projects)
        case "/status": return .command(.status)
        case "/export":
            guard let format = ExportFormat(argument: arguments.first) else {
                return .reply(text: ReplyTexts.exportUsage, event: .commandInvalid, reason: "/export format")
            }
            return .command(.export(format))
        case "/ls": return .command(.ls(arguments.isEmpty ? nil : rest))
        case "/git":
            guard let view = GitView(arguments: arguments) else {
                return .reply(text: ReplyTexts.gitUsage, event: .commandInvalid, reason: "/git view")
            }
            return .command(.git(view))
        case "/actions": return .command(.actions)
        case "/model": return .command(.model(arguments.first))
        case "/cd", "/get", "/bind":
            guard !arguments.isEmpty else {
                return .reply(text: ReplyTexts.pathUsage(name), event: .commandInvalid, reason: "\(name) without a path")
            }
            return .command(name == "/cd" ? .cd(rest) : name == "/get" ? .get(rest) : .bind(rest))
        case "/schedule":
            return .command(.schedule(rest))
        case "/stop":
            return .command(.stop)
        case "/verbose":
            guard let argument = arguments.first else { return .command(.verbose(nil)) }
            guard let level = Int(argument), (0...2).contains(level) else {
                return .reply(text: ReplyTexts.verboseUsage, event: .commandInvalid, reason: "/verbose argument")
            }
            return .command(.verbose(level))
        case "/cost":
            return .command(.cost)
        case "/mydata":
            return .command(.myData)
        case "/forgetme":
            return .command(.forgetMe(confirmed: arguments.first == "confirm"))
        case "/users", "/allow", "/block", "/unblock":
            guard standing.isAdmin else {
                return .reply(text: ReplyTexts.adminsOnly, event: .commandRefused, reason: "\(name) by a non-admin")
            }
            if name == "/users" { return .command(.users) }
            guard let target = arguments.first.flatMap({ Int64($0) }), target > 0 else {
                return .reply(text: ReplyTexts.userIdUsage(name), event: .commandInvalid, reason: "\(name) argument")
            }
            switch name {
            case "/allow": return .command(.allow(target))
            case "/block": return .command(.block(target))
            default: return .command(.unblock(target))
            }
        default:
            return .reply(text: ReplyTexts.unknownCommand(name), event: .commandUnknown, reason: "unknown command")
        }
    }

    private func decideButton(_ update: InboundUpdate, standing: Standing?) -> Decision {
        guard let callback = update.callback else { return .ignore(reason: "button press without its query") }
        guard let sender = update.sender, !sender.isBot, let standing else {
            return .refuseButton(callbackId: callback.id, text: ReplyTexts.buttonNotYours, event: .buttonRefused, reason: "no sender")
        }
        guard standing.mayUseBot else {
            return .refuseButton(
                callbackId: callback.id, text: ReplyTexts.notAllowed(userId: sender.id, tokenAuth: tokenAuthEnabled),
                event: .accessDenied, reason: "button pressed by someone who may not use the bot")
        }
        guard let data = callback.data, !data.isEmpty, data.utf8.count <= 64 else {
            return .refuseButton(
                callbackId: callback.id, text: ReplyTexts.buttonExpired, event: .securityViolation,
                reason: "button data missing or over 64 bytes")
        }
        return .button(callbackId: callback.id, data: data)
    }
}
