/// What Gatehouse says to people. Refusals name the reason and never anything internal.
public enum ReplyTexts {
    public static func notAllowed(userId: Int64) -> String {
        "Sorry, you are not allowed to use this bot. If you should be, ask its administrator to add your "
            + "Telegram user id \(userId)."
    }

    public static let textOnly = "I can only work with text messages for now. Please describe what you need in words."

    public static let help = """
        Send me a message and Claude Code works on it in your project directory; the answer comes back here.
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
        + "It was not run again automatically, so nothing is done twice; send it again to retry."
}
