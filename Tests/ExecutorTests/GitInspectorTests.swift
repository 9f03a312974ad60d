import Foundation
import Messages
import Subprocess
import Testing
@testable import Executor

/// `/git` on the executor: git's views of a project, and none of them runs a program a repository's config names.
/// Each hostile key is first shown to work (plain git runs the planted program), so the test can fail.
@Suite(.serialized) struct GitInspectorTests {
    /// A person's project `approved/1001/app`: a repository with one commit of `README.md`.
    struct Project {
        let tree: FileTree
        let marker: String
        var directory: String { tree.path("approved/1001/app") }

        init() async throws {
            tree = try FileTree()
            marker = tree.path("planted-ran")
            try tree.file("approved/1001/app/README.md", "first line\n")
            try await git(["init", "-q", "-b", "main"])
            try await git(["add", "README.md"])
            try await git(["commit", "-q", "-m", "first commit"])
            // A program that leaves a marker and passes its input through (a working filter or textconv).
            try tree.file("plant.sh", "#!/bin/sh\necho \"$0 $*\" >> \(marker)\ncat\n")
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: plant)
        }

        var plant: String { tree.path("plant.sh") }
        var planted: Bool { FileManager.default.fileExists(atPath: marker) }
        func forgetMarker() { try? FileManager.default.removeItem(atPath: marker) }

        /// Plain git, as a person would run it: the repository's config applies.
        @discardableResult
        func git(_ arguments: [String], in directory: String? = nil) async throws -> String {
            let environment: [String: String] = [
                "PATH": "/usr/bin:/bin", "HOME": tree.root, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": "/dev/null",
                "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t",
            ]
            let result = try await Subprocess.run(
                .name("git"), arguments: Arguments(arguments),
                environment: .custom(Dictionary(uniqueKeysWithValues: environment.compactMap { key, value in
                    Environment.Key(rawValue: key).map { ($0, value) }
                })),
                workingDirectory: .init(directory ?? self.directory), output: .string(limit: 1 << 20), error: .discarded)
            return result.standardOutput
        }

        /// Another repository, `relative` to the tree (made if missing), with nothing committed.
        func newRepository(_ relative: String) async throws {
            try tree.directory(relative)
            try await git(["init", "-q"], in: tree.path(relative))
        }

        func inspector() throws -> GitInspector {
            GitInspector(workspaces: try tree.workspaces(), runner: InertGitRunner(searchPath: "/usr/bin:/bin"))
        }

        /// Every view, and the project facts, through the inspector.
        func showEverything() async throws {
            let inspector = try inspector()
            for view in GitView.allCases {
                let request = requestFor(view)
                _ = await inspector.answer(request)
            }
            _ = await inspector.facts(path: "1001/app", root: "1001")
        }

        func requestFor(_ view: GitView, path: String = "1001/app", root: String = "1001") -> FileRequest {
            var request = FileRequest(requestId: "r", operation: .git, path: path)
            request.gitView = view
            request.root = root
            return request
        }

        /// Makes `README.md` differ from the index (new content, and a new mtime that makes git look at it).
        func change() throws {
            try tree.file("approved/1001/app/README.md", "first line\nchanged \(UUID())\n")
        }
    }

    @Test func showsStatusDiffLastCommitLogAndBranches() async throws {
        let project = try await Project()
        defer { project.tree.remove() }
        try project.change()
        try project.tree.file("approved/1001/app/new.txt", "new\n")
        let inspector = try project.inspector()
        func text(_ view: GitView) async -> String {
            String(decoding: await inspector.answer(project.requestFor(view)).data ?? Data(), as: UTF8.self)
        }
        let status = await text(.status)
        #expect(status.contains("## main") && status.contains(" M README.md") && status.contains("?? new.txt"), "\(status)")
        let diff = await text(.diff)
        #expect(diff.contains("README.md | ") && diff.contains("+changed"), "\(diff)")
        let last = await text(.lastCommit)
        #expect(last.contains("first commit") && last.contains("+first line"), "\(last)")
        let log = await text(.log)
        #expect(log.contains("first commit") && log.contains("t:"), "\(log)")
        #expect(await text(.branches).contains("* main"))
        #expect(await inspector.facts(path: "1001/app", root: "1001") == ProjectFacts(isGitRepository: true, hasChanges: true, testCommand: nil))
    }

    @Test func aRepositoryWithoutCommitsShowsItsChangesAgainstNothing() async throws {
        let project = try await Project()
        defer { project.tree.remove() }
        try await project.newRepository("approved/1001/fresh")
        try project.tree.file("approved/1001/fresh/a.txt", "hello\n")
        try await project.git(["add", "a.txt"], in: project.tree.path("approved/1001/fresh"))
        let inspector = try project.inspector()
        let diff = await inspector.answer(project.requestFor(.diff, path: "1001/fresh"))
        #expect(String(decoding: diff.data ?? Data(), as: UTF8.self).contains("+hello"))
        #expect(await inspector.answer(project.requestFor(.log, path: "1001/fresh")).error == "no_commits")
    }

    @Test func aDirectoryOutsideAnyRepositoryOrAboveTheRootIsNotShown() async throws {
        let project = try await Project()
        defer { project.tree.remove() }
        try project.tree.directory("approved/1002/notes")
        // A repository at the approved directory itself is above person 1002's root: not theirs to see.
        try await project.newRepository("approved")
        let inspector = try project.inspector()
        let result = await inspector.answer(project.requestFor(.status, path: "1002/notes", root: "1002"))
        #expect(result.error == "not_a_repository", "\(result)")
        #expect(await inspector.facts(path: "1002/notes", root: "1002").isGitRepository == false)
    }

    @Test func aRepositoryPointingOutsideTheRootIsRefused() async throws {
        let project = try await Project()
        defer { project.tree.remove() }
        try await project.newRepository("outside")
        let inspector = try project.inspector()
        // core.worktree: the repository inside, its working tree elsewhere.
        try await project.git(["config", "core.worktree", project.tree.path("outside")])
        #expect(await inspector.answer(project.requestFor(.status)).error == "outside")
        try await project.git(["config", "--unset", "core.worktree"])
        // A `.git` file naming a git directory elsewhere.
        try project.tree.file("approved/1001/other/.git", "gitdir: \(project.tree.path("outside/.git"))\n")
        #expect(await inspector.answer(project.requestFor(.log, path: "1001/other")).error == "outside")
    }

    /// A key, how the hostile repository sets it, and a plain git command that runs the plant.
    struct Hostility: Sendable, CustomStringConvertible {
        var key: String
        var plant: @Sendable (Project) async throws -> Void
        var control: [String]
        var description: String { key }

        /// A driver named in an attributes file of the repository, its program set at `key` in its config.
        static func driver(
            _ name: String, attributesFile: String = ".gitattributes", attribute: String, programIn key: String,
            also extra: (String, String)? = nil, control: [String]
        ) -> Hostility {
            Hostility(key: name, plant: { project in
                try project.tree.file("approved/1001/app/" + attributesFile, "* \(attribute)\n")
                try await project.git(["config", key, project.plant])
                if let extra { try await project.git(["config", extra.0, extra.1]) }
            }, control: control)
        }
    }

    static let hostilities: [Hostility] = [
        Hostility(key: "core.fsmonitor", plant: { try await $0.git(["config", "core.fsmonitor", $0.plant]) }, control: ["status"]),
        Hostility(key: "hooks (post-index-change)", plant: { project in
            try project.tree.file("approved/1001/app/.git/hooks/post-index-change", "#!/bin/sh\ntouch \(project.marker)\n")
            try FileManager.default.setAttributes(
                [.posixPermissions: 0o755], ofItemAtPath: project.directory + "/.git/hooks/post-index-change")
        }, control: ["status"]),
        Hostility(key: "core.hooksPath", plant: { project in
            try project.tree.file("hooks/post-index-change", "#!/bin/sh\ntouch \(project.marker)\n")
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: project.tree.path("hooks/post-index-change"))
            try await project.git(["config", "core.hooksPath", project.tree.path("hooks")])
        }, control: ["status"]),
        Hostility(key: "diff.external", plant: { try await $0.git(["config", "diff.external", $0.plant]) }, control: ["diff"]),
        .driver("diff.<driver>.command", attribute: "diff=evil", programIn: "diff.evil.command", control: ["diff"]),
        .driver(
            "diff.<driver>.textconv", attributesFile: ".git/info/attributes", attribute: "diff=evil",
            programIn: "diff.evil.textconv", control: ["show", "HEAD"]),
        .driver(
            "filter.<driver>.clean", attribute: "filter=evil", programIn: "filter.evil.clean",
            also: ("filter.evil.required", "true"), control: ["diff"]),
        .driver("filter.<driver>.process", attribute: "filter=evil", programIn: "filter.evil.process", control: ["diff"]),
        Hostility(key: "a filter driver whose name holds an equals sign", plant: { project in
            try project.tree.file("approved/1001/app/.gitattributes", "* filter=ev=il\n")
            try project.tree.file("approved/1001/app/.git/config-extra", "[filter \"ev=il\"]\n\tclean = \(project.plant)\n")
            try await project.git(["config", "include.path", "config-extra"])
        }, control: ["diff"]),
        Hostility(key: "include.path (a filter in an included file)", plant: { project in
            try project.tree.file("approved/1001/app/.gitattributes", "* filter=evil\n")
            try project.tree.file("evil.conf", "[filter \"evil\"]\n\tclean = \(project.plant)\n")
            try await project.git(["config", "include.path", project.tree.path("evil.conf")])
        }, control: ["diff"]),
        Hostility(key: "log.showSignature + gpg.program", plant: { project in
            let tree = try await project.git(["rev-parse", "HEAD^{tree}"]).trimmingCharacters(in: .whitespacesAndNewlines)
            let parent = try await project.git(["rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
            let commit = "tree \(tree)\nparent \(parent)\nauthor t <t@t> 1700000000 +0000\ncommitter t <t@t> 1700000000 +0000\n"
                + "gpgsig -----BEGIN PGP SIGNATURE-----\n \n iQEzBAABCAAdFiEE\n -----END PGP SIGNATURE-----\n\nsigned\n"
            try project.tree.file("commit.txt", commit)
            let signed = try await project.git(["hash-object", "-t", "commit", "-w", project.tree.path("commit.txt")])
                .trimmingCharacters(in: .whitespacesAndNewlines)
            try await project.git(["update-ref", "HEAD", signed])
            try await project.git(["config", "log.showSignature", "true"])
            try await project.git(["config", "gpg.program", project.plant])
        }, control: ["log", "-n", "1"]),
    ]

    @Test(arguments: hostilities)
    func aProgramInTheRepositoryConfigNeverRuns(_ hostility: Hostility) async throws {
        let project = try await Project()
        defer { project.tree.remove() }
        try await hostility.plant(project)
        try project.change()
        try await project.git(hostility.control)
        #expect(project.planted, "the plant for \(hostility.key) does not run under plain git, so this proves nothing")
        project.forgetMarker()
        try project.change()

        try await project.showEverything()
        #expect(!project.planted, "\(hostility.key) ran its program under /git")
        // And git still answered.
        let diff = await (try project.inspector()).answer(project.requestFor(.diff))
        #expect(diff.error == nil && String(decoding: diff.data ?? Data(), as: UTF8.self).contains("+changed"), "\(diff)")
    }

    @Test func outputPastTheLimitIsCutAndSaidSo() async throws {
        let project = try await Project()
        defer { project.tree.remove() }
        try project.tree.file("approved/1001/app/README.md", String(repeating: "a long changed line\n", count: 5_000))
        var inspector = try project.inspector()
        inspector.runner.outputLimit = 10_000
        let result = await inspector.answer(project.requestFor(.diff))
        #expect((result.data?.count ?? 0) <= 2 * 10_000 && result.message?.contains("cut") == true, "\(result.message ?? "")")
    }
}
