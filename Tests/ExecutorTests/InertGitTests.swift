import Foundation
import Subprocess
import Testing
@testable import Executor

/// git run with the executor's overrides ignores programs planted in a repository's own config.
@Suite(.serialized) struct InertGitTests {
    @Test(arguments: [
        ("core.fsmonitor", ["status", "--short"]),
        ("gpg.program", ["commit", "-q", "-S", "--allow-empty", "-m", "signed"]),
        ("core.hooksPath", ["commit", "-q", "--allow-empty", "-m", "hooked"]),
    ])
    func aPlantedProgramDoesNotRun(key: String, command: [String]) async throws {
        let repo = FileManager.default.temporaryDirectory.appendingPathComponent("inert-git-\(UUID().uuidString)")
        let marker = repo.appendingPathComponent("planted-ran")
        try FileManager.default.createDirectory(at: repo, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: repo) }
        let plant = repo.appendingPathComponent("planted.sh")
        try Data("#!/bin/sh\ntouch \(marker.path)\nexit 1\n".utf8).write(to: plant)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: plant.path)
        var environment = ["PATH": "/usr/bin:/bin", "HOME": repo.path, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t",
                           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t"]
        try await git(["init", "-q"], in: repo, environment: environment)
        if key == "core.hooksPath" {
            let hooks = repo.appendingPathComponent("planted-hooks")
            try FileManager.default.createDirectory(at: hooks, withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: plant, to: hooks.appendingPathComponent("pre-commit"))
            try await git(["config", key, hooks.path], in: repo, environment: environment)
        } else {
            try await git(["config", key, plant.path], in: repo, environment: environment)
        }
        try await git(["commit", "-q", "--allow-empty", "-m", "first"], in: repo, environment: environment)
        // The control: without the overrides the planted program runs.
        try? FileManager.default.removeItem(at: marker)
        try await git(command, in: repo, environment: environment)
        #expect(FileManager.default.fileExists(atPath: marker.path), "the plant for \(key) does not work, so the test proves nothing")
        try? FileManager.default.removeItem(at: marker)

        environment.merge(InertGit.environment) { _, inert in inert }
        try await git(command, in: repo, environment: environment)
        #expect(!FileManager.default.fileExists(atPath: marker.path), "\(key) ran its program")
    }

    @discardableResult
    func git(_ arguments: [String], in directory: URL, environment: [String: String]) async throws -> String {
        let result = try await Subprocess.run(
            .name("git"), arguments: Arguments(arguments),
            environment: .custom(Dictionary(uniqueKeysWithValues: environment.compactMap { key, value in
                Environment.Key(rawValue: key).map { ($0, value) }
            })),
            workingDirectory: .init(directory.path), output: .string(limit: 65536), error: .discarded)
        return result.standardOutput
    }
}
