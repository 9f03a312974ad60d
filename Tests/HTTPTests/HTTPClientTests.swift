import Foundation
import HTTP
import Logging
import Testing
import TestSupport

/// Runs `body` with a fresh server and client, then shuts both down.
private func withClientAndServer(
    configuration: HTTPClient.Configuration = .init(), logs: LogCapture = LogCapture(),
    _ body: (HTTPClient, TestServer) async throws -> Void
) async throws {
    let server = try await TestServer.start()
    let client = HTTPClient(configuration: configuration, logger: logs.logger())
    do {
        try await body(client, server)
    } catch {
        await client.shutdown()
        await server.stop()
        throw error
    }
    await client.shutdown()
    await server.stop()
}

/// Awaits a condition, failing after `timeout`: used instead of fixed sleeps.
private func waitUntil(timeout: Duration = .seconds(5), _ condition: () -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while !condition() {
        guard ContinuousClock.now < deadline else {
            Issue.record("condition not met within \(timeout)")
            return
        }
        try await Task.sleep(for: .milliseconds(5))
    }
}

/// The error thrown by `operation`, or nil when it returned.
private func httpError(_ operation: () async throws -> HTTPResponse) async -> HTTPError? {
    do {
        _ = try await operation()
        return nil
    } catch let error as HTTPError {
        return error
    } catch {
        Issue.record("expected an HTTPError, got \(error)")
        return nil
    }
}

private func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

@Suite("HTTPClient")
struct HTTPClientTests {
    @Test func getRoundTripSendsHeadersAndUserAgent() async throws {
        try await withClientAndServer { client, server in
            let response = try await client.execute(HTTPRequest(
                url: "\(server.base)/echo?x=1", headers: [HTTPHeader("X-Test", "abc")]))
            #expect(response.status == 200)
            #expect(response.headers["content-type"] == "application/json")
            let echo = try JSONDecoder().decode(EchoedRequest.self, from: response.body)
            #expect(echo.method == "GET")
            #expect(echo.headers["x-test"] == "abc")
            #expect(echo.headers["user-agent"] == "Gatehouse")
            #expect(echo.body.isEmpty)
        }
    }

    @Test func postJSONRoundTrip() async throws {
        try await withClientAndServer { client, server in
            let json = Data(#"{"chat_id":42,"text":"héllo"}"#.utf8)
            let response = try await client.execute(HTTPRequest(
                method: .post, url: "\(server.base)/echo",
                body: .data(json, contentType: "application/json")))
            #expect(response.status == 200)
            let echo = try JSONDecoder().decode(EchoedRequest.self, from: response.body)
            #expect(echo.method == "POST")
            #expect(echo.headers["content-type"] == "application/json")
            #expect(echo.headers["expect"] == nil)
            #expect(Data(base64Encoded: echo.body) == json)
        }
    }

    @Test func postWithoutBodySendsEmptyBody() async throws {
        try await withClientAndServer { client, server in
            let response = try await client.execute(HTTPRequest(method: .post, url: "\(server.base)/echo"))
            let echo = try JSONDecoder().decode(EchoedRequest.self, from: response.body)
            #expect(echo.method == "POST")
            #expect(echo.body.isEmpty)
        }
    }

    @Test func errorStatusesAreReturnedWithHeaders() async throws {
        try await withClientAndServer { client, server in
            let notFound = try await client.execute(HTTPRequest(url: "\(server.base)/status/404"))
            #expect(notFound.status == 404)
            let limited = try await client.execute(HTTPRequest(method: .post, url: "\(server.base)/status/429",
                                                               body: .data(Data("{}".utf8), contentType: "application/json")))
            #expect(limited.status == 429)
            #expect(limited.headers["retry-after"] == "7")
            #expect(limited.headers["x-custom"] == "yes")
            #expect(String(decoding: limited.body, as: UTF8.self) == #"{"ok":false}"#)
        }
    }

    @Test func hundredConcurrentRequestsAllComplete() async throws {
        try await withClientAndServer { client, server in
            let bodies = try await withThrowingTaskGroup(of: (Int, Data).self) { group in
                for index in 0..<100 {
                    group.addTask {
                        let response = try await client.execute(HTTPRequest(
                            method: .post, url: "\(server.base)/echo",
                            body: .data(Data("request \(index)".utf8), contentType: "text/plain")))
                        return (index, response.body)
                    }
                }
                var bodies: [Int: Data] = [:]
                for try await (index, body) in group { bodies[index] = body }
                return bodies
            }
            #expect(bodies.count == 100)
            for (index, body) in bodies {
                let echo = try JSONDecoder().decode(EchoedRequest.self, from: body)
                #expect(Data(base64Encoded: echo.body) == Data("request \(index)".utf8))
            }
        }
    }

    @Test func millisecondTimeoutFiresOnTime() async throws {
        try await withClientAndServer { client, server in
            let clock = ContinuousClock()
            let start = clock.now
            let error = await httpError {
                try await client.execute(HTTPRequest(url: "\(server.base)/hang", timeout: .milliseconds(300)))
            }
            let elapsed = seconds(clock.now - start)
            #expect(error?.code == .timedOut)
            #expect(elapsed >= 0.28 && elapsed < 3, "timed out after \(elapsed) s")
        }
    }

    @Test func cancellingTheCallerAbortsTheTransfer() async throws {
        try await withClientAndServer { client, server in
            let poll = Task {
                await httpError {
                    try await client.execute(HTTPRequest(url: "\(server.base)/hang", timeout: .seconds(50)))
                }
            }
            try await waitUntil { server.hangingRequests == 1 }
            let clock = ContinuousClock()
            let start = clock.now
            poll.cancel()
            let error = await poll.value
            #expect(error?.code == .cancelled)
            #expect(seconds(clock.now - start) < 0.5)
        }
    }

    @Test func alreadyCancelledTaskDoesNotSend() async throws {
        try await withClientAndServer { client, server in
            let task = Task {
                withUnsafeCurrentTask { $0?.cancel() }
                return await httpError { try await client.execute(HTTPRequest(url: "\(server.base)/hang")) }
            }
            #expect(await task.value?.code == .cancelled)
            #expect(server.hangingRequests == 0)
        }
    }

    @Test func refusedConnectionIsCouldNotConnect() async throws {
        let client = HTTPClient(logger: LogCapture().logger())
        let port = try unusedLoopbackPort()
        let error = await httpError { try await client.execute(HTTPRequest(url: "http://127.0.0.1:\(port)/x")) }
        #expect(error?.code == .couldNotConnect)
        await client.shutdown()
    }

    @Test func multipartUploadArrivesIntact() async throws {
        try await withClientAndServer { client, server in
            let file = Data((0..<1024).map { UInt8($0 % 256) })
            let response = try await client.execute(HTTPRequest(
                method: .post, url: "\(server.base)/echo",
                body: .multipart([
                    MultipartPart(name: "chat_id", value: "42"),
                    MultipartPart(name: "document", data: file, filename: "report.bin", contentType: "application/octet-stream"),
                ])))
            let echo = try JSONDecoder().decode(EchoedRequest.self, from: response.body)
            let contentType = try #require(echo.headers["content-type"])
            #expect(contentType.hasPrefix("multipart/form-data"))
            let boundary = try #require(contentType.components(separatedBy: "boundary=").last)
            let parts = try parseMultipart(try #require(Data(base64Encoded: echo.body)), boundary: boundary)
            #expect(parts.count == 2)
            #expect(parts.first?.disposition.contains(#"name="chat_id""#) == true)
            #expect(parts.first?.body == Data("42".utf8))
            let document = try #require(parts.last)
            #expect(document.disposition.contains(#"name="document""#))
            #expect(document.disposition.contains(#"filename="report.bin""#))
            #expect(document.contentType == "application/octet-stream")
            #expect(document.body == file)
        }
    }

    @Test func responsesOverTheLimitAreRejected() async throws {
        var configuration = HTTPClient.Configuration()
        configuration.maxResponseBytes = 1000
        try await withClientAndServer(configuration: configuration) { client, server in
            let atLimit = try await client.execute(HTTPRequest(url: "\(server.base)/bytes/1000"))
            #expect(atLimit.body.count == 1000)
            let declaredTooLarge = await httpError { try await client.execute(HTTPRequest(url: "\(server.base)/bytes/1001")) }
            #expect(declaredTooLarge?.code == .tooLarge)
            // Small on the wire, 100 kB once decoded: only the streaming check can catch it.
            let decodedTooLarge = await httpError { try await client.execute(HTTPRequest(url: "\(server.base)/gzip-bomb")) }
            #expect(decodedTooLarge?.code == .tooLarge)
        }
    }

    /// A request's own limit (a file download) applies under the client's larger one, and only to that request.
    @Test func aRequestLimitTightensTheClientLimit() async throws {
        try await withClientAndServer { client, server in
            let atLimit = try await client.execute(HTTPRequest(url: "\(server.base)/bytes/500", maxResponseBytes: 500))
            #expect(atLimit.body.count == 500)
            let over = await httpError { try await client.execute(HTTPRequest(url: "\(server.base)/bytes/501", maxResponseBytes: 500)) }
            #expect(over?.code == .tooLarge)
            let bomb = await httpError {
                try await client.execute(HTTPRequest(url: "\(server.base)/gzip-bomb", maxResponseBytes: 50_000))
            }
            #expect(bomb?.code == .tooLarge)
            let unlimited = try await client.execute(HTTPRequest(url: "\(server.base)/bytes/501"))
            #expect(unlimited.body.count == 501)
        }
    }

    @Test func gzipResponsesAreDecoded() async throws {
        try await withClientAndServer { client, server in
            let response = try await client.execute(HTTPRequest(url: "\(server.base)/gzip-bomb"))
            #expect(response.body == Data(count: 100_000))
        }
    }

    @Test func errorsAndLogsNeverContainTheURL() async throws {
        let logs = LogCapture()
        let secret = "123456:SECRET-token"
        try await withClientAndServer(logs: logs) { client, server in
            let refusedPort = try unusedLoopbackPort()
            let urls = [
                "http://127.0.0.1:\(refusedPort)/bot\(secret)/sendMessage?token=\(secret)",
                "\(server.base)/hang/bot\(secret)/getUpdates?offset=\(secret)",
                "ftp://127.0.0.1/bot\(secret)/sendMessage",
                "http://127.0.0.1:\(server.port)/bot\(secret)/x y",
            ]
            var errors: [HTTPError] = []
            for url in urls {
                let error = await httpError { try await client.execute(HTTPRequest(url: url, timeout: .milliseconds(200))) }
                errors.append(try #require(error))
            }
            #expect(errors.map(\.code) == [.couldNotConnect, .timedOut, .invalidRequest, .invalidRequest])
            for error in errors {
                #expect(!error.description.contains("SECRET"))
                #expect(!error.message.contains("SECRET"))
                #expect(!error.description.contains("/bot"))
                #expect(!error.description.contains("sendMessage"))
                #expect(!error.description.contains("getUpdates"))
            }
        }
        #expect(!logs.allLines.isEmpty)
        #expect(!logs.allLines.contains { $0.contains("SECRET") || $0.contains("/bot") })
    }

    @Test func shutdownAbortsAnInFlightLongPollPromptly() async throws {
        let server = try await TestServer.start()
        let client = HTTPClient(logger: LogCapture().logger())
        let poll = Task {
            await httpError { try await client.execute(HTTPRequest(url: "\(server.base)/hang", timeout: .seconds(50))) }
        }
        try await waitUntil { server.hangingRequests == 1 }
        let clock = ContinuousClock()
        let start = clock.now
        await client.shutdown()
        let error = await poll.value
        #expect(seconds(clock.now - start) < 0.5)
        #expect(error?.code == .shutDown)
        let afterwards = await httpError { try await client.execute(HTTPRequest(url: "\(server.base)/small")) }
        #expect(afterwards?.code == .shutDown)
        await client.shutdown()  // a second call returns too
        await server.stop()
    }

    @Test func sequentialSmallPostLatency() async throws {
        try await withClientAndServer { client, server in
            let clock = ContinuousClock()
            var samples: [Duration] = []
            for index in 0..<500 {
                let start = clock.now
                let response = try await client.execute(HTTPRequest(
                    method: .post, url: "\(server.base)/small",
                    body: .data(Data(#"{"n":\#(index)}"#.utf8), contentType: "application/json")))
                samples.append(clock.now - start)
                #expect(response.status == 200)
            }
            samples.sort()
            let p50 = seconds(samples[samples.count / 2]) * 1000
            let p99 = seconds(samples[samples.count * 99 / 100]) * 1000
            print("HTTPClient loopback: 500 sequential small POSTs, p50 \(String(format: "%.2f", p50)) ms, p99 \(String(format: "%.2f", p99)) ms")
        }
    }
}

private struct ReceivedPart {
    var disposition: String
    var contentType: String?
    var body: Data
}

private enum MultipartParseError: Error { case malformed }

/// A small multipart/form-data parser, enough to check what the client sent.
private func parseMultipart(_ data: Data, boundary: String) throws -> [ReceivedPart] {
    let delimiter = Data("--\(boundary)".utf8)
    let headerEnd = Data("\r\n\r\n".utf8)
    var parts: [ReceivedPart] = []
    guard var cursor = data.range(of: delimiter)?.upperBound else { throw MultipartParseError.malformed }
    while true {
        if data[cursor...].starts(with: Data("--".utf8)) { return parts }  // closing delimiter
        guard let headersRange = data.range(of: headerEnd, in: cursor..<data.endIndex),
              let next = data.range(of: Data("\r\n".utf8) + delimiter, in: headersRange.upperBound..<data.endIndex)
        else { throw MultipartParseError.malformed }
        let headerText = String(decoding: data[cursor..<headersRange.lowerBound], as: UTF8.self)
        var part = ReceivedPart(disposition: "", contentType: nil, body: Data(data[headersRange.upperBound..<next.lowerBound]))
        for line in headerText.components(separatedBy: "\r\n") {
            let lowered = line.lowercased()
            if lowered.hasPrefix("content-disposition:") { part.disposition = line }
            if lowered.hasPrefix("content-type:") {
                part.contentType = line.dropFirst("content-type:".count).trimmingCharacters(in: .whitespaces)
            }
        }
        parts.append(part)
        cursor = next.upperBound
    }
}
