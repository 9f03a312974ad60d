import Messages

/// The next steps offered under an answer in a git project (and by `/actions`), chosen from what the executor saw
/// of the project after the run. Each is text the person could have typed — a prompt for Claude or a command —
/// and is sent as if typed: the intake policy, the limits, the tool policy and the audit treat it like any other.
public struct QuickAction: Sendable, Equatable {
    public var label: String
    /// What pressing it sends.
    public var text: String
}

public enum QuickActions {
    /// The actions for a project: the tests when a test command was found; in a git repository with pending
    /// changes, the diff, a commit with a message Claude proposes and undoing the last change; without pending
    /// changes, the log.
    public static func choose(_ facts: ProjectFacts) -> [QuickAction] {
        var actions: [QuickAction] = []
        if let command = facts.testCommand {
            actions.append(QuickAction(label: "🧪 Run tests", text: runTests(command)))
        }
        guard facts.isGitRepository else { return actions }
        if facts.hasChanges {
            actions.append(QuickAction(label: "📄 Show diff", text: "/git diff"))
            actions.append(QuickAction(label: "✅ Commit", text: commit))
            actions.append(QuickAction(label: "↩️ Undo last change", text: undo))
        } else {
            actions.append(QuickAction(label: "📜 Log", text: "/git log"))
        }
        return actions
    }

    public static func runTests(_ command: String) -> String {
        "Run the tests with `\(command)` and tell me what failed."
    }

    public static let commit = "Propose a short commit message for the pending changes, then commit them with it (git add and git commit), and tell me the message."
    public static let undo = "Undo the last change you made to the files in this project, and tell me what you reverted."
}
