/// What Gatehouse says to people. Refusals name the reason and never anything internal.
public enum ReplyTexts {
    public static func notAllowed(userId: Int64) -> String {
        "Sorry, you are not allowed to use this bot. If you should be, ask its administrator to add your "
            + "Telegram user id \(userId)."
    }

    public static let textOnly = "I can only work with text messages for now. Please describe what you need in words."

    public static let help = """
        Send me a message and Claude Code works on it in your project directory; the answer comes back here.
        /stop — stop what is running for you
        /verbose 0|1|2 — how much of Claude's work you see while it runs (0 nothing, 1 tools, 2 tools and remarks)
        /help — this message
        """

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
}
