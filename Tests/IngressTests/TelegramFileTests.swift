import Foundation
import HTTP
import Logging
import Messages
import Settings
import Telegram
import Testing
import TestSupport

/// getFile, file downloads with a byte limit, and setMyCommands, through the real client against the fake Bot API.
@Suite struct TelegramFileTests {
    @Test func aRegisteredFileDownloadsWhole() async throws {
        try await IngressFixture.run { fixture in
            let bytes = Data((0..<70_000).map { UInt8(truncatingIfNeeded: $0 * 31) })
            fixture.telegram.registerFile(fileId: "F1", bytes: bytes, fileName: "report.pdf")
            let file = try await fixture.api.getFile(fileId: "F1")
            #expect(file.file_size == Int64(bytes.count))
            #expect(file.file_path?.hasSuffix(".pdf") == true)
            let data = try await fixture.api.downloadFile(fileId: "F1", maxBytes: bytes.count, timeout: .seconds(10))
            #expect(data == bytes)
            #expect(fixture.telegram.violations.isEmpty)
        }
    }

    @Test func aDownloadPastTheLimitIsAbortedAsTooLarge() async throws {
        try await IngressFixture.run { fixture in
            fixture.telegram.registerFile(fileId: "BIG", bytes: Data(count: 300_000), fileName: "big.bin")
            // Known from getFile: refused before downloading.
            await #expect(throws: TelegramError.self) {
                _ = try await fixture.api.downloadFile(fileId: "BIG", maxBytes: 299_999, timeout: .seconds(10))
            }
            // Only found while downloading (the path served is larger than the limit): aborted by the client.
            let path = try #require(try await fixture.api.getFile(fileId: "BIG").file_path)
            let error = await Self.error { _ = try await fixture.api.download(path: path, maxBytes: 1000, timeout: .seconds(10)) }
            #expect(error?.code == .fileTooLarge)
        }
    }

    /// The download URL holds the token: no error text, no description and no log line may show it.
    @Test func theTokenNeverAppearsInErrorsOrLogs() async throws {
        try await IngressFixture.run { fixture in
            fixture.telegram.registerFile(fileId: "BIG", bytes: Data(count: 5000), fileName: "big.bin")
            let path = try #require(try await fixture.api.getFile(fileId: "BIG").file_path)
            let slow = LoopbackHTTPServer(name: "SlowFiles") { _ in
                try? await Task.sleep(for: .seconds(5))
                return LoopbackHTTPResponse(status: 200, body: Data(count: 10))
            }
            _ = try slow.start()
            let slowAPI = TelegramBotAPI(
                baseURL: slow.baseURL, token: Secret(IngressFixture.token), http: fixture.http, logger: fixture.logs.logger())
            let unreachable = TelegramBotAPI(
                baseURL: "http://127.0.0.1:1", token: Secret(IngressFixture.token), http: fixture.http,
                logger: fixture.logs.logger())
            let api = fixture.api
            let failures: [TelegramError?] = [
                await Self.error { _ = try await api.download(path: "documents/missing.pdf", maxBytes: 100, timeout: .seconds(5)) },
                await Self.error { _ = try await api.download(path: path, maxBytes: 100, timeout: .seconds(5)) },
                await Self.error { _ = try await api.downloadFile(fileId: "nope", maxBytes: 100, timeout: .seconds(5)) },
                await Self.error { _ = try await api.download(path: "a b/../c?x#y", maxBytes: 100, timeout: .seconds(5)) },
                await Self.error { _ = try await unreachable.download(path: path, maxBytes: 100, timeout: .seconds(5)) },
                await Self.error { _ = try await slowAPI.download(path: path, maxBytes: 100, timeout: .milliseconds(300)) },
            ]
            await slow.stop()
            #expect(failures.map { $0?.code } == [.badRequest, .fileTooLarge, .badRequest, .badRequest, .network, .network])
            for failure in failures.compactMap({ $0 }) {
                for text in ["\(failure)", String(reflecting: failure), failure.description_] {
                    #expect(!IngressFixture.leaksToken(text), "\(text)")
                }
            }
            #expect(!fixture.logs.allLines.isEmpty)
            for line in fixture.logs.allLines { #expect(!IngressFixture.leaksToken(line), "\(line)") }
        }
    }

    @Test func theCommandMenuIsSetPerScopeAndChecked() async throws {
        try await IngressFixture.run { fixture in
            let everyone = BotCommands.offered(admin: false, tokenAuth: false).map(TelegramBotCommand.init)
            try await fixture.api.setMyCommands(everyone)
            #expect(fixture.telegram.commandNames() == everyone.map(\.command))
            #expect(fixture.telegram.commandNames()?.contains("allow") == false)
            #expect(fixture.telegram.commandNames()?.contains("auth") == false)

            // An administrator's private chat: known once they wrote to the bot.
            let admin = FakeTelegramUser(id: 77, firstName: "Ada")
            fixture.telegram.enqueueMessage(from: admin, text: "hi")
            let all = BotCommands.offered(admin: true, tokenAuth: true).map(TelegramBotCommand.init)
            try await fixture.api.setMyCommands(all, scope: .chat(77))
            #expect(fixture.telegram.commandNames(scope: "chat:77") == all.map(\.command))
            let unknown = await Self.error { try await fixture.api.setMyCommands(all, scope: .chat(78)) }
            #expect(unknown?.code == .badRequest)
            #expect(fixture.telegram.violations.isEmpty)
        }
    }

    static func error(_ operation: () async throws -> Void) async -> TelegramError? {
        do {
            try await operation()
            Issue.record("expected a TelegramError")
            return nil
        } catch let error as TelegramError {
            return error
        } catch {
            Issue.record("expected a TelegramError, got \(error)")
            return nil
        }
    }
}
