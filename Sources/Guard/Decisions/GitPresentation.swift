import Foundation
import Messages

/// How git's output for a `/git` view is shown: in the message as a code block, or — past a message's length — as
/// a file (`.diff` for changes), with a one-line message saying so.
struct GitPresentation: Equatable {
    var message: String
    var format: Delivery.Format
    /// The file to send the output as; nil when it fits the message.
    var fileName: String?

    init(view: GitView, output: String, cut: String?, messageLimit: Int) {
        let trimmed = output.trimmingCharacters(in: .newlines)
        let title = Self.title(view)
        let note = cut.map { "\n(\($0))" } ?? ""
        if trimmed.isEmpty {
            message = Self.empty(view)
            format = .plain
            fileName = nil
        } else if trimmed.count > messageLimit {
            let name = Self.fileName(view)
            let lines = trimmed.split(separator: "\n", omittingEmptySubsequences: false).count
            message = "\(title): \(lines) lines, sent as \(name)." + note
            format = .plain
            fileName = name
        } else if trimmed.contains("```") {
            message = "\(title):\n\(trimmed)" + note
            format = .plain
            fileName = nil
        } else {
            message = "\(title):\n```\n\(trimmed)\n```" + note
            format = .markdown
            fileName = nil
        }
    }

    static func title(_ view: GitView) -> String {
        switch view {
        case .status: "git status"
        case .diff: "Changes against the last commit"
        case .lastCommit: "Last commit"
        case .log: "Recent commits"
        case .branches: "Branches"
        }
    }

    static func fileName(_ view: GitView) -> String {
        switch view {
        case .diff: "changes.diff"
        case .lastCommit: "last-commit.diff"
        case .status, .log, .branches: "git-\(view.rawValue).txt"
        }
    }

    static func empty(_ view: GitView) -> String {
        switch view {
        case .status: "git status: nothing to show."
        case .diff: "No changes against the last commit (new files show in /git once added or in the status as ??)."
        case .lastCommit, .log: "No commits yet."
        case .branches: "No branches yet."
        }
    }
}
