import Foundation
import Messages
import Testing
@testable import Guard

/// Which next steps are offered, and how `/git` output is shown.
@Suite struct QuickActionsTests {
    @Test func aGitProjectWithChangesAndTestsGetsEveryAction() {
        let actions = QuickActions.choose(ProjectFacts(isGitRepository: true, hasChanges: true, testCommand: "swift test"))
        #expect(actions.map(\.text) == [
            "Run the tests with `swift test` and tell me what failed.", "/git diff", QuickActions.commit, QuickActions.undo,
        ])
    }

    @Test func withoutChangesThereIsNothingToCommitOrUndo() {
        let actions = QuickActions.choose(ProjectFacts(isGitRepository: true, hasChanges: false, testCommand: nil))
        #expect(actions.map(\.text) == ["/git log"])
    }

    @Test func outsideGitOnlyTheTestsAreOffered() {
        #expect(QuickActions.choose(ProjectFacts(isGitRepository: false, hasChanges: true, testCommand: "pytest")).map(\.text)
            == [QuickActions.runTests("pytest")])
        #expect(QuickActions.choose(ProjectFacts(isGitRepository: false, hasChanges: false, testCommand: nil)).isEmpty)
    }

    @Test func gitViewsAreParsedFromTheArguments() {
        #expect(GitView(arguments: []) == .status)
        #expect(GitView(arguments: ["diff"]) == .diff)
        #expect(GitView(arguments: ["diff", "last"]) == .lastCommit)
        #expect(GitView(arguments: ["Log"]) == .log)
        #expect(GitView(arguments: ["branches"]) == .branches)
        #expect(GitView(arguments: ["push"]) == nil)
        #expect(GitView(arguments: ["diff", "--output=/etc/passwd"]) == nil)
        for view in GitView.allCases {
            #expect(GitView(arguments: view.argument.split(separator: " ").map(String.init)) == view)
        }
    }

    @Test func shortOutputIsACodeBlockAndLongOutputAFile() {
        let short = GitPresentation(view: .status, output: "## main\n M a.txt\n", cut: nil, messageLimit: 100)
        #expect(short.fileName == nil && short.format == .markdown && short.message == "git status:\n```\n## main\n M a.txt\n```")
        let long = GitPresentation(view: .diff, output: String(repeating: "+line\n", count: 50), cut: nil, messageLimit: 100)
        #expect(long.fileName == "changes.diff" && long.message.contains("50 lines"))
        #expect(GitPresentation(view: .lastCommit, output: String(repeating: "x", count: 101), cut: nil, messageLimit: 100).fileName
            == "last-commit.diff")
        let fenced = GitPresentation(view: .diff, output: "+```swift\n", cut: "cut at 1 MB", messageLimit: 100)
        #expect(fenced.format == .plain && fenced.message.hasSuffix("(cut at 1 MB)"))
        #expect(GitPresentation(view: .diff, output: "\n", cut: nil, messageLimit: 100).message.hasPrefix("No changes"))
    }
}
