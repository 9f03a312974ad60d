#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Messages
import Testing
@testable import Executor

/// `work.files` list, stat and read against a real directory tree: what is shown, in which order, and what is
/// refused (symlinks out, credentials, directories, FIFOs, oversized files).
@Suite struct FileRequestHandlerTests {
    private func withTree(_ body: (FileTree, FileRequestHandler) throws -> Void) throws {
        let tree = try FileTree()
        defer { tree.remove() }
        try tree.directory("outside")
        try tree.file("outside/secret.txt", "not yours")
        try body(tree, FileRequestHandler(workspaces: try tree.workspaces(), claudeHome: tree.path("home")))
    }

    private func ask(_ handler: FileRequestHandler, _ operation: FileRequest.Operation, _ path: String, maxBytes: Int? = nil) -> FileResult {
        let result = handler.answer(FileRequest(requestId: "r-\(path)", operation: operation, path: path, maxBytes: maxBytes))
        #expect(result.requestId == "r-\(path)")
        return result
    }

    @Test func listShowsDirectoriesFirstMarksRepositoriesAndHidesDotfilesAndEscapingLinks() throws {
        try withTree { tree, handler in
            try tree.directory("approved/zeta")
            try tree.directory("approved/Alpha/.git")
            try tree.file("approved/beta/.git", "gitdir: ../.git/worktrees/beta")
            try tree.file("approved/a.txt", "12345")
            try tree.file("approved/B.md", "")
            try tree.file("approved/.env", "SECRET=1")
            try tree.directory("approved/.hidden")
            try tree.symlink("approved/inlink", to: tree.path("approved/zeta"))
            try tree.symlink("approved/out", to: tree.path("outside"))
            try tree.symlink("approved/out-file", to: tree.path("outside/secret.txt"))
            try tree.symlink("approved/dangling", to: tree.path("approved/nothing"))

            let result = ask(handler, .list, "")
            #expect(result.error == nil)
            #expect(result.message == nil)
            #expect(result.entries == [
                .init(name: "Alpha", isDirectory: true, isGitRepository: true),
                .init(name: "beta", isDirectory: true, isGitRepository: true),
                .init(name: "inlink", isDirectory: true, isGitRepository: false),
                .init(name: "zeta", isDirectory: true, isGitRepository: false),
                .init(name: "a.txt", isDirectory: false, size: 5),
                .init(name: "B.md", isDirectory: false, size: 0),
            ])
        }
    }

    @Test func listStopsAt200AndSaysHowManyThereAre() throws {
        try withTree { tree, handler in
            for index in 0..<250 { try tree.file("approved/many/file-\(String(format: "%03d", index)).txt") }
            try tree.directory("approved/many/zz-directory")
            let result = ask(handler, .list, "many")
            let entries = try #require(result.entries)
            #expect(entries.count == 200)
            #expect(entries.first?.name == "zz-directory")
            #expect(entries.last?.name == "file-198.txt")
            #expect(result.message == "showing the first 200 of 251 entries")
        }
    }

    @Test func listOfAFileOrOfNothingIsRefused() throws {
        try withTree { tree, handler in
            try tree.file("approved/a.txt", "x")
            #expect(ask(handler, .list, "a.txt").error == "not_a_directory")
            #expect(ask(handler, .list, "missing").error == "not_found")
            #expect(ask(handler, .list, "missing").message == "'missing' does not exist")
        }
    }

    @Test func everyOperationRefusesPathsThatLeaveTheApprovedDirectory() throws {
        try withTree { tree, handler in
            try tree.symlink("approved/escape", to: tree.path("outside"))
            try tree.symlink("approved/escape-file", to: tree.path("outside/secret.txt"))
            try tree.symlink("approved/up", to: "..")
            try tree.directory("approved/sub")
            for path in ["escape", "escape/secret.txt", "escape-file", "up", "up/outside/secret.txt", "../outside",
                         "sub/../../outside/secret.txt", "/etc/passwd", "/", "sub/\u{0}x"] {
                for operation in [FileRequest.Operation.list, .stat, .read] {
                    let result = ask(handler, operation, path)
                    #expect(result.error == "outside", "\(operation) \(path)")
                    #expect(result.data == nil && result.entries == nil && result.isDirectory == nil)
                }
            }
            // Going up and back in again is fine: only where it ends up counts.
            #expect(ask(handler, .stat, "sub/../sub").isDirectory == true)
        }
    }

    @Test func statSaysWhetherItIsADirectory() throws {
        try withTree { tree, handler in
            try tree.directory("approved/project")
            try tree.file("approved/project/file.swift", "x")
            #expect(ask(handler, .stat, "project").isDirectory == true)
            #expect(ask(handler, .stat, "").isDirectory == true)
            #expect(ask(handler, .stat, "project/file.swift").isDirectory == false)
            #expect(ask(handler, .stat, "project/none").error == "not_found")
            #expect(ask(handler, .stat, "project/none").isDirectory == nil)
        }
    }

    @Test func readReturnsTheBytesUpToTheLimit() throws {
        try withTree { tree, handler in
            let bytes = Data((0..<3000).map { UInt8(truncatingIfNeeded: $0 &* 7) })
            try tree.file("approved/data.bin", data: bytes)
            #expect(ask(handler, .read, "data.bin").data == bytes)
            #expect(ask(handler, .read, "data.bin", maxBytes: 3000).data == bytes)
            let tooLarge = ask(handler, .read, "data.bin", maxBytes: 2999)
            #expect(tooLarge.error == "too_large" && tooLarge.data == nil)
            #expect(tooLarge.message == "'data.bin' is 3000 bytes; the limit is 2999")
            try tree.directory("approved/folder")
            #expect(ask(handler, .read, "folder").error == "is_a_directory")
            #expect(ask(handler, .read, "nothing.txt").error == "not_found")
        }
    }

    @Test func readNeverSendsMoreThan20MBWhateverIsAsked() throws {
        try withTree { tree, handler in
            // Sparse: 21 MB on paper, nothing on disk.
            let path = tree.path("approved/big.iso")
            #expect(FileManager.default.createFile(atPath: path, contents: nil))
            #expect(truncate(path, 21 * 1024 * 1024) == 0)
            #expect(ask(handler, .read, "big.iso").error == "too_large")
            #expect(ask(handler, .read, "big.iso", maxBytes: 50 * 1024 * 1024).error == "too_large")
            #expect(truncate(path, 20 * 1024 * 1024) == 0)
            #expect(ask(handler, .read, "big.iso").data?.count == 20 * 1024 * 1024)
        }
    }

    @Test func readRefusesCredentialsByNameAsAskedAndAfterSymlinks() throws {
        try withTree { tree, handler in
            let secrets = [".env", ".env.production", "config/server.pem", "tls/site.key", "id_rsa", "keys/id_ed25519.pub",
                           ".netrc", ".ssh/config", "deploy/.aws/config", ".gnupg/pubring.kbx", ".claude/settings.json",
                           "CREDENTIALS.json", ".git-credentials", "store.p12"]
            for secret in secrets { try tree.file("approved/" + secret, "secret") }
            for secret in secrets {
                let result = ask(handler, .read, secret)
                #expect(result.error == "refused", "\(secret)")
                #expect(result.data == nil)
            }
            // An innocent name pointing at a secret inside the approved directory is still refused.
            try tree.symlink("approved/notes.txt", to: tree.path("approved/.env"))
            try tree.symlink("approved/keys-dir", to: tree.path("approved/.ssh"))
            #expect(ask(handler, .read, "notes.txt").error == "refused")
            #expect(ask(handler, .read, "keys-dir/config").error == "refused")
            // Ordinary dotfiles and look-alikes are fine.
            try tree.file("approved/.gitignore", ".build\n")
            try tree.file("approved/environment.md", "docs")
            #expect(ask(handler, .read, ".gitignore").data == Data(".build\n".utf8))
            #expect(ask(handler, .read, "environment.md").data == Data("docs".utf8))
        }
    }

    @Test func readOfAFIFOIsRefusedAtOnceInsteadOfHanging() throws {
        try withTree { tree, handler in
            #expect(mkfifo(tree.path("approved/pipe"), 0o644) == 0)
            let clock = ContinuousClock()
            let started = clock.now
            let result = ask(handler, .read, "pipe")
            #expect(result.error == "unreadable")
            #expect(result.message == "'pipe' is not a regular file")
            #expect(clock.now - started < .seconds(2))
        }
    }

    @Test(.enabled(if: getuid() != 0, "root reads files whatever their mode"))
    func readOfAFileWithoutReadPermissionIsUnreadable() throws {
        try withTree { tree, handler in
            try tree.file("approved/locked.txt", "x")
            #expect(chmod(tree.path("approved/locked.txt"), 0) == 0)
            #expect(ask(handler, .read, "locked.txt").error == "unreadable")
        }
    }

    @Test func aFullBacklogIsRefusedAndSlotsPassToWaitersInOrder() async throws {
        let slots = FileRequestSlots(concurrency: 2, backlog: 1)
        #expect(await slots.acquire())
        #expect(await slots.acquire())
        let waiter = Task { await slots.acquire() }
        try await poll(until: { await slots.waitingCount == 1 }, timeout: .seconds(5))
        #expect(await slots.acquire() == false, "the backlog is full")
        await slots.release()
        #expect(await waiter.value)
        #expect(await slots.waitingCount == 0)
        #expect(await slots.runningCount == 2)
        await slots.release()
        await slots.release()
        #expect(await slots.runningCount == 0)
    }
}
