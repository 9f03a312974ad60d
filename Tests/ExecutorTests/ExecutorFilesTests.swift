import Foundation
import Logging
import Messages
import Testing
import TestSupport
import Transport
@testable import Executor

/// The executor program itself (`ExecutorService`) on a real work link to a fake guard, running the real Claude Code
/// CLI against the fake Anthropic API: uploads land in the workspace and Claude is told about them; file requests
/// are answered on the same link, also while a job runs. Serialized: each CLI takes ~200 MB.
@Suite(.serialized) struct ExecutorFilesTests {
    @Test func uploadedImageIsSavedUnderAFreeNameAndNamedInThePromptClaudeReceives() async throws {
        try await withExecutor { harness in
            let workspace = harness.approved.appendingPathComponent("site")
            try FileManager.default.createDirectory(at: workspace, withIntermediateDirectories: true)
            let existing = Data("the photo that was here first".utf8)
            try existing.write(to: workspace.appendingPathComponent("photo.jpg"))
            let jpeg = Data([0xFF, 0xD8, 0xFF, 0xE0] + Array(repeating: UInt8(7), count: 64))
            let notes = Data("meeting notes\n".utf8)

            var job = harness.job(workspace: "site", prompt: "what is in the picture?")
            job.files = [JobFile(name: "photo.jpg", data: jpeg, isImage: true), JobFile(name: "notes.txt", data: notes, isImage: false)]
            let result = try await harness.run(job)

            #expect(result.outcome == .completed)
            let expectedNote = "\n\n[Files the user sent are saved in the current directory: "
                + "photo.jpg (saved as photo-2.jpg because photo.jpg existed), notes.txt. "
                + "Look at the image file(s) with the Read tool: photo-2.jpg.]"
            let lastUserText = try #require(harness.server.requests.last?.lastUserText)
            #expect(lastUserText == "what is in the picture?" + expectedNote)
            #expect(try Data(contentsOf: workspace.appendingPathComponent("photo.jpg")) == existing)
            #expect(try Data(contentsOf: workspace.appendingPathComponent("photo-2.jpg")) == jpeg)
            #expect(try Data(contentsOf: workspace.appendingPathComponent("notes.txt")) == notes)
            let mode = try FileManager.default.attributesOfItem(atPath: workspace.appendingPathComponent("photo-2.jpg").path)[.posixPermissions] as? Int
            #expect(mode == 0o644)
        }
    }

    @Test func anUploadThatCannotBeSavedFailsTheJobWithoutStartingClaude() async throws {
        try await withExecutor { harness in
            var job = harness.job(workspace: "", prompt: "never sent")
            job.files = [JobFile(name: "ok.txt", data: Data("x".utf8), isImage: false),
                         JobFile(name: "../escape.txt", data: Data("y".utf8), isImage: false)]
            let result = try await harness.run(job)

            #expect(result.outcome == .failed)
            #expect(result.errorDetail?.contains("the uploaded files could not be saved: bad_name") == true)
            #expect(harness.server.requests.isEmpty)
            #expect(!FileManager.default.fileExists(atPath: harness.approved.appendingPathComponent("ok.txt").path))
            #expect(!FileManager.default.fileExists(atPath: harness.approved.deletingLastPathComponent().appendingPathComponent("escape.txt").path))
        }
    }

    @Test func fileRequestsAreAnsweredOnTheLinkAndTheTranscriptOfARealRunExports() async throws {
        try await withExecutor { harness in
            // Dots, underscores, spaces and a non-ASCII letter: each becomes "-" in the CLI's project folder name.
            let name = "shop.v2_new dir-é"
            let workspace = harness.approved.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: workspace.appendingPathComponent("src/.git"), withIntermediateDirectories: true)
            try Data("hello\n".utf8).write(to: workspace.appendingPathComponent("readme.md"))
            let prompt = "summarize the readme \(UUID().uuidString)"
            let result = try await harness.run(harness.job(workspace: name, prompt: prompt))
            let sessionId = try #require(result.sessionId)

            let real = try #require(WorkspaceGuard.realPath(workspace.path))
            let projectFolder = harness.home.appendingPathComponent(".claude/projects")
                .appendingPathComponent(TranscriptLocator.projectDirectoryName(workingDirectory: real))
            #expect(FileManager.default.fileExists(atPath: projectFolder.appendingPathComponent(sessionId + ".jsonl").path),
                    "the CLI stored the transcript where the executor looks for it")

            let listing = try await harness.fakeGuard.ask(FileRequest(requestId: "l1", operation: .list, path: name))
            #expect(listing.error == nil)
            #expect(listing.entries == [
                FileResult.Entry(name: "src", isDirectory: true, isGitRepository: true),
                FileResult.Entry(name: "readme.md", isDirectory: false, size: 6),
            ])
            let stat = try await harness.fakeGuard.ask(FileRequest(requestId: "s1", operation: .stat, path: name + "/src"))
            #expect(stat.isDirectory == true && stat.error == nil)
            let read = try await harness.fakeGuard.ask(FileRequest(requestId: "r1", operation: .read, path: name + "/readme.md"))
            #expect(read.data == Data("hello\n".utf8))
            let outside = try await harness.fakeGuard.ask(FileRequest(requestId: "o1", operation: .read, path: "../secret"))
            #expect(outside.error == "outside" && outside.data == nil)

            let export = try await harness.fakeGuard.ask(
                FileRequest(requestId: "t1", operation: .transcript, path: name, sessionId: sessionId))
            #expect(export.error == nil)
            let markdown = String(decoding: try #require(export.data), as: UTF8.self)
            #expect(markdown.hasPrefix("# \(prompt)\n"))
            #expect(markdown.contains("## You\n\n\(prompt)\n\n## Claude\n\nEcho: \(prompt)"))
            #expect(!markdown.contains("system-reminder"))
            let wrongPlace = try await harness.fakeGuard.ask(
                FileRequest(requestId: "t2", operation: .transcript, path: "", sessionId: sessionId))
            #expect(wrongPlace.error == "no_transcript")
            let injected = try await harness.fakeGuard.ask(
                FileRequest(requestId: "t3", operation: .transcript, path: name, sessionId: "../../../etc/passwd"))
            #expect(injected.error == "bad_request")
        }
    }

    @Test func transcriptOfAWorkspaceWithAPathLongerThanTheCLIsNameLimitIsFound() async throws {
        try await withExecutor { harness in
            let deep = (0..<8).map { "level_\($0).with-a-rather-long-folder-name" }.joined(separator: "/")
            try FileManager.default.createDirectory(
                at: harness.approved.appendingPathComponent(deep), withIntermediateDirectories: true)
            let result = try await harness.run(harness.job(workspace: deep, prompt: "deep down"))
            let sessionId = try #require(result.sessionId)
            let real = try #require(WorkspaceGuard.realPath(harness.approved.appendingPathComponent(deep).path))
            #expect(real.utf16.count > TranscriptLocator.maximumNameLength)

            let export = try await harness.fakeGuard.ask(
                FileRequest(requestId: "deep", operation: .transcript, path: deep, sessionId: sessionId))
            #expect(export.error == nil, "\(export.message ?? "")")
            #expect(export.data.map { String(decoding: $0, as: UTF8.self) }?.contains("## You\n\ndeep down") == true)
        }
    }

    @Test func fileRequestsAreAnsweredWhileAJobWaitsOnTheAPI() async throws {
        try await withExecutor { harness in
            harness.server.setHandler(FakeAnthropicScript.slow(.seconds(60)))
            let job = harness.job(workspace: "", prompt: "take your time")
            try await harness.start(job)
            let server = harness.server
            try await poll(until: { !server.requests.isEmpty }, timeout: .seconds(30))

            let answers = try await withThrowingTaskGroup(of: FileResult.self) { group in
                for index in 0..<12 {
                    group.addTask {
                        try await harness.fakeGuard.ask(FileRequest(requestId: "busy-\(index)", operation: .list, path: ""))
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(answers.count == 12)
            #expect(answers.allSatisfy { $0.error == nil })
            #expect(harness.fakeGuard.messages.allSatisfy { $0.type != .jobResult }, "the job was still running")

            try await harness.fakeGuard.send(CancelJob(jobId: job.jobId, reason: "test over"))
            let result = try await harness.fakeGuard.first(JobResult.self, timeout: .seconds(30)) { $0.jobId == job.jobId }
            #expect(result.outcome == .cancelled)
            try await harness.fakeGuard.send(JobResultAck(jobId: job.jobId))
        }
    }
}

// MARK: - Harness

/// An executor service on a fake guard's link, with a fake API, a scratch HOME and an approved directory.
struct ExecutorHarness: Sendable {
    let fakeGuard: FakeGuard
    let server: FakeAnthropicServer
    let home: URL
    let approved: URL

    func job(workspace: String, prompt: String) -> JobAssignment {
        JobAssignment(
            jobId: "job-" + UUID().uuidString.prefix(8).lowercased(), attempt: 1, userId: 1, chatId: 1,
            workspace: workspace, prompt: prompt, resumeSessionId: nil, model: nil, maxTurns: nil,
            timeoutSeconds: 60, issuedAt: Date().epochMillis)
    }

    /// Dispatches the job and gives the go-ahead, as the guard does.
    func start(_ job: JobAssignment) async throws {
        try await fakeGuard.send(job)
        let accepted = try await fakeGuard.first(JobAccepted.self) { $0.jobId == job.jobId }
        #expect(accepted.accepted)
        try await fakeGuard.send(JobGo(jobId: job.jobId, attempt: job.attempt))
    }

    /// Runs the job to its result and acknowledges it.
    func run(_ job: JobAssignment) async throws -> JobResult {
        try await start(job)
        let result = try await fakeGuard.first(JobResult.self, timeout: .seconds(60)) { $0.jobId == job.jobId }
        try await fakeGuard.send(JobResultAck(jobId: job.jobId))
        return result
    }
}

/// Runs `body` with an executor service on a fake guard's link; the runner tests' fixture gives the fake API, the
/// HOME and the approved directory (its workspace).
func withExecutor(
    logger given: Logger? = nil, sandbox: (inout ExecutorConfiguration.Sandbox) -> Void = { _ in },
    _ body: (ExecutorHarness) async throws -> Void
) async throws {
    try await withFixture { fixture in
        let fakeGuard = try FakeGuard()
        var claude = ExecutorConfiguration.Claude(home: fixture.home.path)
        claude.cliPath = fixture.binary
        claude.passthrough = fixture.environment
        claude.interruptGrace = .seconds(1)
        claude.terminateGrace = .seconds(1)
        var configuration = ExecutorConfiguration(
            guardEndpoint: fakeGuard.endpoint, executorId: "exec-files-test", host: "test",
            approvedDirectory: fixture.workspace.path, claude: claude)
        configuration.capacity = 2
        sandbox(&configuration.sandbox)
        var logger = Logger(label: "executor-files-test")
        logger.logLevel = .warning
        if let given { logger = given }
        let context = try ZMQContext()
        let running = Task { try await ExecutorService(configuration: configuration, context: context, logger: logger).run() }
        var failure: (any Error)?
        do {
            try await fakeGuard.waitForExecutor()
            try await body(ExecutorHarness(fakeGuard: fakeGuard, server: fixture.server, home: fixture.home, approved: fixture.workspace))
        } catch {
            failure = error
        }
        running.cancel()
        _ = try? await running.value
        await context.terminate()
        await fakeGuard.close()
        if let failure { throw failure }
    }
}
