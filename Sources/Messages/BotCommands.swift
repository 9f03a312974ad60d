/// The commands Gatehouse understands, in one place: the guard's `/help` and the menu ingress registers with
/// Telegram (`setMyCommands`) both come from this list, so they cannot disagree.
public enum BotCommands {
    public struct Command: Sendable, Equatable {
        public var name: String
        /// Shown in Telegram's menu (3–256 characters).
        public var description: String
        /// Shown in `/help` after the name, e.g. "<dir>".
        public var arguments: String
        public var adminOnly: Bool
        /// Only offered when token sign-in is on.
        public var tokenAuthOnly: Bool
        /// Other names people know it by from claude-code-telegram, with their own arguments (`repo [name]`);
        /// understood, named in `/help` on this command's line, not in Telegram's menu.
        public var aliases: [String] = []

        init(_ name: String, _ arguments: String, _ description: String, adminOnly: Bool = false, tokenAuthOnly: Bool = false) {
            self.name = name
            self.description = description
            self.arguments = arguments
            self.adminOnly = adminOnly
            self.tokenAuthOnly = tokenAuthOnly
        }

        init(_ name: String, _ description: String, adminOnly: Bool = false, aliases: [String] = []) {
            self.init(name, "", description, adminOnly: adminOnly)
            self.aliases = aliases
        }
    }

    public static let all: [Command] = [
        Command("new", "start a fresh Claude session in this directory", aliases: ["end"]),
        Command("continue", "[text]", "continue the session of this directory"),
        Command("resume", "pick one of your recent sessions"),
        Command("cd", "<dir>", "change directory (relative, or from the approved root)"),
        Command("ls", "[dir]", "list a directory"),
        Command("pwd", "show the current directory"),
        Command("projects", "list the projects (top-level directories)", aliases: ["repo [name]"]),
        Command("status", "directory, session, running job and usage"),
        Command("stop", "stop what is running for you"),
        Command("cost", "what your requests cost over the last 24 hours"),
        Command("export", "[html|json]", "the current session's transcript as a file: Markdown, a web page or JSON"),
        Command("get", "<path>", "send a file from the workspace"),
        Command("git", "[diff|diff last|log|branches]", "the project's git status, changes, last commit, log or branches (read-only)"),
        Command("actions", "quick next steps for this project: run the tests, show the diff, commit, undo"),
        Command("model", "[name]", "choose the Claude model"),
        Command("verbose", "0|1|2", "how much of Claude's work you see while it runs"),
        Command("bind", "<dir>", "bind this forum topic to a project directory"),
        Command("schedule", "add|list|pause|resume|remove", "run a prompt on a schedule (cron times)"),
        Command("mydata", "everything stored about you, as a file"),
        Command("forgetme", "erase what is stored about you"),
        Command("auth", "<token>", "sign in with a token an administrator gave you", tokenAuthOnly: true),
        Command("users", "people and their access", adminOnly: true),
        Command("allow", "<user id>", "let someone use the bot", adminOnly: true),
        Command("block", "<user id>", "block someone", adminOnly: true),
        Command("unblock", "<user id>", "lift a block", adminOnly: true),
        Command("help", "what I understand"),
    ]

    /// The commands one person is offered.
    public static func offered(admin: Bool, tokenAuth: Bool) -> [Command] {
        all.filter { (admin || !$0.adminOnly) && (tokenAuth || !$0.tokenAuthOnly) }
    }
}
