import Foundation
import Messages

/// What Gatehouse says to people. Refusals name the reason and never anything internal.
public enum ReplyTexts {
    public static func notAllowed(userId: Int64, tokenAuth: Bool = false) -> String {
        let way = tokenAuth ? "send /auth followed by the token an administrator gave you, or ask them" : "ask its administrator"
        return "Sorry, you are not allowed to use this bot. If you should be, \(way) to add your Telegram user id \(userId)."
    }

    public static let textOnly = "I can only work with text messages for now. Please describe what you need in words."

    /// Exactly the commands that exist (`BotCommands`, which also fills Telegram's menu).
    public static func help(admin: Bool, tokenAuth: Bool) -> String {
        var lines = [
            "Send me a message (or a file, photo or voice note) and Claude Code works on it in your current directory; "
                + "the answer comes back here."
        ]
        for command in BotCommands.offered(admin: admin, tokenAuth: tokenAuth) {
            let arguments = command.arguments.isEmpty ? "" : " " + command.arguments
            let aliases = command.aliases.isEmpty ? "" : " (also " + command.aliases.map { "/" + $0 }.joined(separator: ", ") + ")"
            lines.append("/\(command.name)\(arguments) — \(command.description)\(aliases)")
        }
        return lines.joined(separator: "\n")
    }

    public static let gitUsage = "Use /git for the status, /git diff for your changes, /git diff last for the last commit, /git log or /git branches."
    public static let exportUsage = "Use /export for Markdown, /export html for a web page, or /export json for data."

    public static func pathUsage(_ command: String) -> String {
        "Use \(command) followed by a path, e.g. \(command) src."
    }

    public static func unknownCommand(_ name: String) -> String {
        "Unknown command \(String(name.prefix(40))). Send /help to see what I understand."
    }

    public static func failed(incident: String) -> String {
        "Something went wrong while working on your request, and nothing more was done. Incident id: \(incident)."
    }

    public static let cancelled = "Stopped. Nothing more will be done for that request."

    public static func timedOut(seconds: Int) -> String {
        "That request took longer than the \(seconds)-second limit, so it was stopped."
    }

    public static let emptyAnswer = "Claude finished without a written answer."

    public static let interrupted =
        "Your request was interrupted: the machine running it stopped before it finished. "
        + "It was not run again automatically, so nothing is done twice. Press Retry to run it again."

    /// A lost attempt that had changed something, or lost once more after two restarts: not run again by itself.
    /// `actions` are what had run ("Write: src/a.swift"), already redacted; at most five are listed.
    public static func interrupted(byCLI: Bool, actions: [String], restarts: Int) -> String {
        let cause = byCLI ? "Claude Code stopped unexpectedly before it finished" : "the machine running it stopped before it finished"
        guard !actions.isEmpty else {
            let again = restarts > 0 ? ", again after \(restarts == 1 ? "a restart" : "\(restarts) restarts")" : ""
            return "Your request was interrupted: \(cause)\(again). It is not run again automatically. Press Retry to run it again."
        }
        var lines = ["Your request was interrupted: \(cause). These actions had already run:"]
        lines += actions.prefix(5).map { "• " + $0 }
        if actions.count > 5 { lines.append("…and \(actions.count - 5) more") }
        lines.append("It was not run again automatically, so nothing is done twice. Press Retry to run it again.")
        return lines.joined(separator: "\n")
    }

    /// The status message's line when a lost attempt, which had changed nothing, is run again by itself.
    public static let restartMark = "↻"
    public static func restarted(byCLI: Bool) -> String {
        restartMark + (byCLI ? " Claude Code stopped; restarted (nothing had been changed)"
            : " The machine running it stopped; restarted (nothing had been changed)")
    }

    /// Put before an answer when the session to continue could not be, and the prompt ran in a new one.
    public static let freshSession = "Your previous session could not be continued; this answer starts a new one."

    public static let working = "Working on it…"
    public static let verboseUsage = "Use /verbose 0, /verbose 1 or /verbose 2 (0 shows nothing while Claude works, 1 its tools, 2 also its remarks)."
    public static func verbosity(_ level: Int) -> String {
        let meaning = ["nothing but a working notice", "the tools Claude uses", "the tools Claude uses and its remarks"][max(0, min(2, level))]
        return "Progress detail: \(level) — while Claude works you see \(meaning). Change it with /verbose 0, 1 or 2."
    }
    public static let nothingToStop = "Nothing is running for you right now."
    public static func stopping(_ count: Int) -> String {
        count == 1 ? "Stopping your request…" : "Stopping your \(count) requests…"
    }
    public static let stoppedBeforeStart = "Stopped before it started. Nothing was done."
    public static let buttonExpired = "This button has expired."
    public static let buttonNotYours = "Only the person who asked can use this button."
    public static let retrying = "Running it again…"
    public static let allowed = "Allowed."
    public static let denied = "Denied."
    public static let answerNoted = "Answer sent."
    public static let alreadyDecided = "This was already decided."
    public static let retryUnavailable = "This request can no longer be retried; please send it again."

    // MARK: - Access

    public static let blocked = "You have been blocked from using this bot. Ask its administrator if you think this is a mistake."

    public static func suspended(until: EpochMillis) -> String {
        "You are temporarily blocked after unusual activity, until \(clock(until)). The administrators were told."
    }

    public static func tooLong(limit: Int) -> String {
        "That message is too long (over \(limit) characters). Please shorten it or send it as a file."
    }

    public static let adminsOnly = "Only administrators can do that."

    public static func userIdUsage(_ command: String) -> String {
        "Use \(command) followed by a Telegram user id, e.g. \(command) 123456789."
    }

    public static let authUsage = "Use /auth followed by your token. (Your message was deleted so the token does not stay in the chat.)"
    public static let authSucceeded = "Signed in. Your message with the token was deleted. Send /help to see what you can do."
    public static let authAlready = "You already have access; no token needed. Your message was deleted."
    public static let authFailed = "That token is not valid (wrong, expired, revoked or not yours). Your message was deleted."
    public static let tokenAuthOff = "Token sign-in is not enabled on this bot."

    public static func lockedOut(until: EpochMillis) -> String {
        "Too many failed sign-in attempts. Try again after \(clock(until))."
    }

    public static func rateLimited(retryAfterMs: Int64) -> String {
        "You are sending requests faster than allowed. Try again in \(duration(retryAfterMs))."
    }

    public static func overBudget(_ reason: String, retryAfterMs: Int64?) -> String {
        let when = retryAfterMs.map { " You can send requests again in \(duration($0))." } ?? ""
        return "Cost limit reached: \(reason).\(when)"
    }

    public static func anomalyNotice(userId: Int64, reason: String, until: EpochMillis) -> String {
        "Security notice: user \(userId) was blocked until \(clock(until)) after unusual activity (\(reason)). "
            + "Use /unblock \(userId) to lift it, or /block \(userId) to make it permanent."
    }

    /// To admins when replies work again after Telegram failed as a whole.
    static func telegramWorksAgain(downMs: Int64, kind: DeliveryResult.Outage, held: Int) -> String {
        let why = kind == .tokenRefused
            ? "Telegram refused the bot token (401 Unauthorized)" : "Telegram could not be reached"
        return "Status: Telegram works again. For \(duration(downMs)) \(why); \(held) "
            + (held == 1 ? "reply was" : "replies were") + " kept and are being delivered now. None was dropped."
    }

    public static let forgetMeConfirm =
        "This erases your requests, replies, sessions, settings and tokens stored here, and stops what is running for "
        + "you. Audit entries are kept, but can no longer be read or tied to you; the cost of your runs stays in the "
        + "team's daily total under no name. Send /forgetme confirm to go ahead."
    public static func stoppedAtBudget(_ spent: Double) -> String {
        "Stopped: this request reached its cost limit after spending \(dollars(spent)). Nothing more was done."
    }

    public static let queuedWithoutExecutor =
        "Queued: no machine that runs Claude is connected right now. Your message is kept and runs as soon as one is back."

    public static func executorsMissing(waiting: Int) -> String {
        "Operator notice: no executor is connected, so nothing can run; \(waiting) prompt\(waiting == 1 ? " waits" : "s wait"). "
            + "Check the executors (gatehouse status, or docker compose ps and its logs)."
    }

    public static let executorsBack = "Operator notice: an executor is connected again; waiting prompts run now."

    public static func stoppedAtBudgetAfterPartialAnswer(_ spent: Double) -> String {
        "_Stopped: this request reached its cost limit after spending \(dollars(spent)). Above is what Claude had "
            + "produced by then; it may be incomplete._"
    }

    public static let sessionHolderGone =
        "The machine that holds this directory's Claude session is not connected, so this request starts a new session."

    public static let forgotten = "Done: what was stored about you has been erased."
    public static let myDataCaption = "Everything Gatehouse stores about you."

    /// "14:05 UTC" (with the date when it is not today).
    static func clock(_ time: EpochMillis) -> String {
        let date = Date(epochMillis: time)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        let time = String(format: "%02d:%02d UTC", parts.hour ?? 0, parts.minute ?? 0)
        let today = calendar.dateComponents([.year, .month, .day], from: Date())
        if today.year == parts.year && today.month == parts.month && today.day == parts.day { return time }
        return String(format: "%04d-%02d-%02d ", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0) + time
    }

    /// "45 s", "3 min 5 s", "2 h 10 min".
    static func duration(_ ms: Int64) -> String {
        let seconds = max(1, (ms + 999) / 1000)
        if seconds < 60 { return "\(seconds) s" }
        if seconds < 3600 { return seconds % 60 == 0 ? "\(seconds / 60) min" : "\(seconds / 60) min \(seconds % 60) s" }
        return "\(seconds / 3600) h \(seconds % 3600 / 60) min"
    }

    static func dollars(_ amount: Double) -> String { String(format: "$%.2f", amount) }
}
