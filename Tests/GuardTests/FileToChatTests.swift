import Foundation
import Messages
import Testing
@testable import Guard

/// A file Claude sends to the chat: queued in the outbox (photo or document, in the job's chat and topic, as a reply
/// to the prompt), audited, and acknowledged; refused when the job is not running on the sending executor, from an
/// old attempt, with a name that is not a plain name, or too large.
@Suite struct FileToChatTests {
    @Test func aRunningJobsFileIsQueuedAuditedAndAcknowledged() async throws {
        let guardian = GuardHarness()
        let job = try await guardian.runningJob()
        let png = Data([0x89, 0x50, 0x4E, 0x47] + Array(repeating: 1, count: 60))
        let out = try await guardian.send(
            FileToChat(jobId: job.jobId, attempt: 1, requestId: "r1", fileName: "chart.png", data: png, asPhoto: true),
            on: .work, from: Data("a".utf8))
        #expect(out.messages(FileToChatReceipt.self).map(\.message) == [FileToChatReceipt(jobId: job.jobId, requestId: "r1", accepted: true)])
        let delivery = try #require(out.messages(Delivery.self).first?.message)
        #expect(delivery.kind == .photo && delivery.fileName == "chart.png" && delivery.fileData == png)
        #expect(delivery.chatId == 100 && delivery.replyToMessageId == 10 && delivery.jobId == job.jobId)
        let document = try await guardian.send(
            FileToChat(jobId: job.jobId, attempt: 1, requestId: "r2", fileName: "report.pdf", data: Data("%PDF".utf8), asPhoto: false),
            on: .work, from: Data("a".utf8))
        #expect(document.messages(FileToChatReceipt.self).first?.message.accepted == true)
        let queued = try guardian.pendingReplies(to: 100)
        #expect(queued.contains { $0.kind == "file" && $0.fileName == "report.pdf" })
        #expect(try guardian.auditEvents("file.sent").count == 2)
    }

    @Test func filesNotFromTheRunningAttemptOrWithBadNamesAreRefused() async throws {
        let guardian = GuardHarness()
        let job = try await guardian.runningJob()
        func receipt(_ file: FileToChat, from executor: String = "a") async throws -> FileToChatReceipt? {
            try await guardian.send(file, on: .work, from: Data(executor.utf8)).messages(FileToChatReceipt.self).first?.message
        }
        func file(_ name: String = "a.txt", attempt: Int = 1, job id: String? = nil, bytes: Int = 4) -> FileToChat {
            FileToChat(jobId: id ?? job.jobId, attempt: attempt, requestId: UUID().uuidString, fileName: name, data: Data(count: bytes), asPhoto: false)
        }
        _ = try await guardian.registerExecutor("b")
        #expect(try await receipt(file(), from: "b")?.reason == "the job is not running on this executor")
        #expect(try await receipt(file(attempt: 2))?.reason == "the job is not running on this executor")
        #expect(try await receipt(file(job: "no-such-job"))?.accepted == false)
        #expect(try await receipt(file("../etc/passwd"))?.reason == "the file name is not a plain name")
        #expect(try await receipt(file("a\u{1B}[2J.txt"))?.reason == "the file name contains control characters")
        #expect(try await receipt(file(bytes: GuardCore.maxFileToChatBytes + 1))?.accepted == false)
        #expect(try guardian.auditEvents("file.sent").isEmpty)
        #expect(try guardian.pendingReplies(to: 100).filter { $0.fileName != nil }.isEmpty)
    }
}
