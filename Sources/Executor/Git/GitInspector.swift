import Foundation
import Messages

/// Answers `/git` and `/actions` for a project directory: git's views of it, run by `InertGitRunner`, and what it
/// is as a project. The repository must lie inside the person's own root: a `.git` file, `core.worktree` or a
/// repository above the root that would show another directory is refused.
struct GitInspector: Sendable {
    let workspaces: WorkspaceGuard
    var runner: InertGitRunner

    /// The empty tree: what the working tree is compared with before the first commit.
    static let emptyTree = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
    static let logLength = 20

    /// A repository found for a directory, checked to be inside the person's root.
    struct Repository: Sendable {
        var directory: String
        var ceiling: String
        var drivers: [(key: String, value: String)]
    }

    /// The text of `view` for the directory `relative` (inside `root`, both relative to the approved directory).
    func answer(_ view: GitView, path relative: String, root: String) async throws(FileOperationError) -> (text: String, cut: Bool) {
        guard let repository = try await repository(path: relative, root: root) else {
            throw FileOperationError(code: "not_a_repository", message: "\(display(relative, root: root)) is not in a git repository")
        }
        var parts: [InertGitRunner.Output] = []
        func git(_ arguments: [String]) async -> InertGitRunner.Output {
            await runner.run(arguments, in: repository.directory, ceiling: repository.ceiling, overrides: repository.drivers)
        }
        let noPrograms = ["--no-ext-diff", "--no-textconv", "--no-color", "--ignore-submodules=all"]
        switch view {
        case .status:
            parts.append(await git(["status", "--short", "--branch", "--ignore-submodules=all"]))
        case .diff:
            let base = await git(["rev-parse", "--verify", "--quiet", "HEAD"]).succeeded ? "HEAD" : Self.emptyTree
            parts.append(await git(["diff", "--stat"] + noPrograms + [base]))
            parts.append(await git(["diff"] + noPrograms + [base]))
        case .lastCommit:
            parts.append(await git(["show", "--stat", "--patch", "--format=medium", "--no-show-signature"] + noPrograms + ["HEAD"]))
        case .log:
            parts.append(await git([
                "log", "-n", String(Self.logLength), "--no-color", "--no-show-signature", "--date=short",
                "--format=%h %ad %an: %s%d",
            ]))
        case .branches:
            parts.append(await git(["branch", "--all", "-vv", "--no-color", "--no-column"]))
        }
        if let failed = parts.first(where: { !$0.succeeded && !$0.cut }) {
            if failed.timedOut { throw FileOperationError(code: "timed_out", message: "git took too long") }
            if view == .lastCommit || view == .log {
                throw FileOperationError(code: "no_commits", message: "there are no commits yet")
            }
            throw FileOperationError(code: "git_failed", message: "git could not show that")
        }
        let text = parts.map(\.text).filter { !$0.isEmpty }.joined(separator: "\n")
        return (text, parts.contains(where: \.cut))
    }

    /// What the directory is as a project: git (inside the root), pending changes, a test command.
    func facts(path relative: String, root: String) async -> ProjectFacts {
        let tests = (try? workspaces.resolve(relative)).flatMap { TestCommandDetector.detect(in: $0) }
        guard let repository = try? await repository(path: relative, root: root) else {
            return ProjectFacts(isGitRepository: false, hasChanges: false, testCommand: tests)
        }
        let status = await runner.run(
            ["status", "--porcelain", "--ignore-submodules=all"], in: repository.directory, ceiling: repository.ceiling,
            overrides: repository.drivers)
        return ProjectFacts(isGitRepository: true, hasChanges: !status.text.isEmpty, testCommand: tests)
    }

    /// The repository holding `relative`, or nil when it is in none; refused when the repository's directory or
    /// its git directory lies outside the person's root.
    func repository(path relative: String, root: String) async throws(FileOperationError) -> Repository? {
        let directory = try workspaces.resolve(relative)
        let ceilingReal = try workspaces.resolve(root)
        guard directory == ceilingReal || directory.hasPrefix(ceilingReal == "/" ? "/" : ceilingReal + "/") else {
            throw .outside(relative)
        }
        // No `.git` from here up to the root: not a repository, known without starting git (every completed
        // answer asks, so this is on the path of the reply).
        guard Self.hasGitEntry(from: directory, upTo: ceilingReal) else { return nil }
        // git looks no higher than the root's parent, so the root itself may be a repository.
        let ceiling = URL(fileURLWithPath: ceilingReal).deletingLastPathComponent().path
        let located = await runner.run(
            ["rev-parse", "--show-toplevel", "--absolute-git-dir", "--git-common-dir"], in: directory, ceiling: ceiling, overrides: [])
        guard located.succeeded else { return nil }
        let lines = located.text.split(separator: "\n").map(String.init)
        guard lines.count == 3 else { return nil }
        let commonDir = lines[2].hasPrefix("/") ? lines[2] : directory + "/" + lines[2]
        for path in [lines[0], lines[1], commonDir] {
            guard let real = WorkspaceGuard.realPath(path),
                  real == ceilingReal || real.hasPrefix(ceilingReal == "/" ? "/" : ceilingReal + "/")
            else {
                throw FileOperationError(code: "outside", message: "that repository lies outside your directory")
            }
        }
        let drivers = await runner.driverOverrides(in: directory, ceiling: ceiling)
        return Repository(directory: directory, ceiling: ceiling, drivers: drivers)
    }

    /// Whether `directory` or a directory above it, up to and including `ceiling`, holds a `.git` entry (a
    /// directory, or the file of a worktree or submodule): where git would find a repository.
    static func hasGitEntry(from directory: String, upTo ceiling: String) -> Bool {
        var current = directory
        while true {
            var info = stat()
            if lstat(current + "/.git", &info) == 0 { return true }
            guard current != ceiling, current.count > ceiling.count, let slash = current.lastIndex(of: "/") else { return false }
            current = slash == current.startIndex ? "/" : String(current[..<slash])
        }
    }

    private func display(_ relative: String, root: String) -> String {
        let inside = relative.dropFirst(root.count).drop { $0 == "/" }
        return "/" + inside
    }
}

extension GitInspector {
    /// The answer to a `git` or `project` file request.
    func answer(_ request: FileRequest) async -> FileResult {
        var result = FileResult(requestId: request.requestId)
        let root = request.root ?? ""
        switch request.operation {
        case .project:
            result.project = await facts(path: request.path, root: root)
        default:
            guard let view = request.gitView else {
                result.error = "bad_request"
                result.message = "which git view?"
                return result
            }
            do throws(FileOperationError) {
                let (text, cut) = try await answer(view, path: request.path, root: root)
                result.data = Data(text.utf8)
                if cut { result.message = "git's output was cut at \(runner.outputLimit) bytes" }
            } catch {
                result.error = error.code
                result.message = error.message
            }
        }
        return result
    }
}
