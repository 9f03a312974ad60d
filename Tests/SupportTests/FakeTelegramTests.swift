import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// A bare HTTP/1.1 client over a blocking socket, run on its own thread so a held long poll never blocks the
/// test's cooperative threads. One request per connection (`Connection: close`).
struct TelegramTestClient: Sendable {
    struct Reply: Sendable {
        var status: Int
        var body: Data
        var json: FakeTelegramValue? { FakeTelegramValue.parse(json: body) }
        var result: FakeTelegramValue? { json?["result"] }
        var description: String? { json?["description"]?.stringValue }
    }

    let port: UInt16
    let token: String

    init(server: FakeTelegramServer, token: String) {
        port = UInt16(server.baseURL.split(separator: ":").last.flatMap { Int($0) } ?? 0)
        self.token = token
    }

    func call(_ method: String, json: FakeTelegramValue) async -> Reply {
        await send("POST", "/bot\(token)/\(method)", contentType: "application/json", body: json.jsonData())
    }

    func call(_ method: String, form: [(String, String)]) async -> Reply {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let body = form.map { name, value in
            "\(name)=\(value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")"
        }.joined(separator: "&")
        return await send("POST", "/bot\(token)/\(method)", contentType: "application/x-www-form-urlencoded",
                          body: Data(body.utf8))
    }

    func send(_ verb: String, _ path: String, contentType: String? = nil, body: Data = Data()) async -> Reply {
        let port = self.port
        return await withCheckedContinuation { continuation in
            let thread = Thread {
                continuation.resume(returning: Self.exchange(port: port, verb: verb, path: path,
                                                             contentType: contentType, body: body))
            }
            thread.start()
        }
    }

    /// Opens a connection, sends `requests` GETs on it one after another (keep-alive), returns their statuses.
    func keepAliveStatuses(_ path: String, requests: Int) async -> [Int] {
        let port = self.port
        return await withCheckedContinuation { continuation in
            Thread {
                let fd = Self.connected(port: port)
                defer { if fd >= 0 { close(fd) } }
                var statuses: [Int] = []
                var pending = [UInt8]()
                var chunk = [UInt8](repeating: 0, count: 65536)
                for _ in 0..<requests where fd >= 0 {
                    let request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                    _ = Array(request.utf8).withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                    // Read one response: headers, then Content-Length bytes.
                    while true {
                        let text = String(decoding: pending, as: UTF8.self)
                        if let end = text.range(of: "\r\n\r\n") {
                            let head = String(text[..<end.lowerBound])
                            let length = head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
                                .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
                            let headBytes = head.utf8.count + 4
                            if pending.count >= headBytes + length {
                                statuses.append(Int(head.split(separator: " ")[1]) ?? -1)
                                pending.removeFirst(headBytes + length)
                                break
                            }
                        }
                        let count = recv(fd, &chunk, chunk.count, 0)
                        guard count > 0 else { continuation.resume(returning: statuses); return }
                        pending += chunk[0..<count]
                    }
                }
                continuation.resume(returning: statuses)
            }.start()
        }
    }

    /// Sends a request and hangs up after `after`, without reading the answer.
    func sendAndHangUp(_ path: String, after delay: TimeInterval) async {
        let port = self.port
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            Thread {
                let fd = Self.connected(port: port)
                if fd >= 0 {
                    let request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                    _ = Array(request.utf8).withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                    Thread.sleep(forTimeInterval: delay)
                    close(fd)
                }
                continuation.resume()
            }.start()
        }
    }

    private static func connected(port: UInt16) -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return -1 }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else { close(fd); return -1 }
        return fd
    }

    private static func exchange(port: UInt16, verb: String, path: String, contentType: String?, body: Data) -> Reply {
        let fd = connected(port: port)
        guard fd >= 0 else { return Reply(status: -1, body: Data()) }
        defer { close(fd) }
        var head = "\(verb) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: \(body.count)\r\n"
        if let contentType { head += "Content-Type: \(contentType)\r\n" }
        let request = Data((head + "\r\n").utf8) + body
        _ = request.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        var response = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = recv(fd, &chunk, chunk.count, 0)
            guard count > 0 else { break }
            response += chunk[0..<count]
        }
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let headerEnd = (0..<max(0, response.count - 3)).first(where: { response[$0..<($0 + 4)].elementsEqual(separator) })
        else { return Reply(status: -1, body: Data()) }
        let statusLine = String(decoding: response[0..<headerEnd], as: UTF8.self).split(separator: " ")
        let status = statusLine.count > 1 ? Int(statusLine[1]) ?? -1 : -1
        return Reply(status: status, body: Data(response[(headerEnd + 4)...]))
    }
}

private let token = "123456:TEST-token"
private let alice = FakeTelegramUser(id: 1001, firstName: "Alice", username: "alice")

private func startedServer() async throws -> (FakeTelegramServer, TelegramTestClient) {
    let server = FakeTelegramServer(token: token)
    try await server.start()
    return (server, TelegramTestClient(server: server, token: token))
}

@Suite("FakeTelegram")
struct FakeTelegramTests {
    @Test func bundledSpecLoads() throws {
        let spec = try TelegramBotAPISpec.bundled()
        #expect(spec.method(named: "sendMessage")?.fields.contains { $0.name == "chat_id" && $0.required } == true)
        #expect(spec.method(named: "noSuchMethod") == nil)
    }

    @Test func longPollReturnsWhenAnUpdateArrivesAndOffsetConfirms() async throws {
        let (server, client) = try await startedServer()
        defer { Task { await server.stop() } }
        let started = ContinuousClock.now
        // A long timeout, so "answered when the update arrived" and "answered at the timeout" cannot be confused
        // even on a loaded machine.
        async let polled = client.call("getUpdates", json: ["timeout": 40])
        #expect(await server.waitUntil(timeout: .seconds(10)) { $0.activeLongPolls == 1 })
        let updateId = server.enqueueMessage(from: alice, text: "/start hello")
        let reply = await polled
        #expect(ContinuousClock.now - started < .seconds(30))
        #expect(reply.status == 200)
        let update = reply.result?.arrayValue?.first
        #expect(update?["update_id"]?.integerValue == updateId)
        #expect(update?["message"]?["text"]?.stringValue == "/start hello")
        #expect(update?["message"]?["chat"]?["id"]?.integerValue == alice.id)

        // Unconfirmed: delivered again.
        let again = await client.call("getUpdates", json: ["timeout": 0])
        #expect(again.result?.arrayValue?.first?["update_id"]?.integerValue == updateId)

        // Confirmed: gone, and a short long poll times out empty.
        let confirmed = await client.call("getUpdates", json: ["offset": .integer(updateId + 1), "timeout": 1])
        #expect(confirmed.status == 200)
        #expect(confirmed.result?.arrayValue?.isEmpty == true)
        #expect(server.confirmedOffset == updateId + 1)
        #expect(server.pendingUpdateCount == 0)

        // limit is honoured.
        server.enqueueMessage(from: alice, text: "one")
        server.enqueueMessage(from: alice, text: "two")
        let limited = await client.call("getUpdates", json: ["limit": 1])
        #expect(limited.result?.arrayValue?.count == 1)
        #expect(server.violations.isEmpty)
    }

    @Test func concurrentGetUpdatesIsAConflict() async throws {
        let (server, client) = try await startedServer()
        defer { Task { await server.stop() } }
        async let first = client.call("getUpdates", json: ["timeout": 30])
        #expect(await server.waitUntil(timeout: .seconds(10)) { $0.activeLongPolls == 1 })
        let second = await client.call("getUpdates", json: ["timeout": 30])
        #expect(second.status == 409)
        #expect(second.description?.hasPrefix("Conflict") == true)
        #expect(server.violations.count == 1)
        server.enqueueMessage(from: alice, text: "hi")
        #expect(await first.status == 200)
    }

    @Test func aLongPollWhoseClientHangsUpFreesThePoller() async throws {
        let (server, client) = try await startedServer()
        defer { Task { await server.stop() } }
        async let hungUp: Void = client.sendAndHangUp("/bot\(token)/getUpdates?timeout=10", after: 0.2)
        #expect(await server.waitUntil(timeout: .seconds(10)) { $0.activeLongPolls == 1 })
        await hungUp
        #expect(await server.waitUntil(timeout: .seconds(10)) { $0.activeLongPolls == 0 })
        #expect(await client.call("getUpdates", json: ["timeout": 0]).status == 200)
        #expect(server.violations.isEmpty)
    }

    @Test func keepAliveRequestsAreAnsweredWithoutNagleDelay() async throws {
        let (server, client) = try await startedServer()
        defer { Task { await server.stop() } }
        // With a header and a body written separately, each answer would wait ~40 ms for a delayed ACK. Wall-clock
        // time on a shared 2-core CI machine is too noisy to assert that, so the time is printed for inspection and
        // the bound only catches a server that stalls between keep-alive requests.
        let started = ContinuousClock.now
        let statuses = await client.keepAliveStatuses("/bot\(token)/getMe", requests: 20)
        #expect(statuses == Array(repeating: 200, count: 20))
        let elapsed = ContinuousClock.now - started
        print("fake Telegram: 20 keep-alive requests in \(elapsed)")
        #expect(elapsed < .seconds(8))
    }

    @Test func unknownMethodParameterMissingOrMistypedAreViolations() async throws {
        let (server, client) = try await startedServer()
        defer { Task { await server.stop() } }
        server.enqueueMessage(from: alice, text: "hi")

        let unknownMethod = await client.call("sendMesage", json: ["chat_id": .integer(alice.id), "text": "x"])
        #expect(unknownMethod.status == 404)
        #expect(unknownMethod.description == "Not Found")

        let unknownParameter = await client.call("sendMessage", json: ["chat_id": .integer(alice.id), "text": "x", "colour": "red"])
        #expect(unknownParameter.status == 400)
        #expect(unknownParameter.description?.contains("colour") == true)

        let missing = await client.call("sendMessage", json: ["chat_id": .integer(alice.id)])
        #expect(missing.status == 400)
        #expect(missing.description?.contains("\"text\"") == true)

        let mistyped = await client.call("sendMessage", json: ["chat_id": true, "text": "x"])
        #expect(mistyped.status == 400)

        let nested = await client.call("sendMessage", json: [
            "chat_id": .integer(alice.id), "text": "x",
            "reply_markup": ["inline_keyboard": [[["callback_data": "no text"]]]],
        ])
        #expect(nested.status == 400)
        #expect(nested.description?.contains("reply_markup.inline_keyboard[0][0].text") == true)

        let badReply = await client.call("sendMessage", json: [
            "chat_id": .integer(alice.id), "text": "x", "reply_parameters": ["message_id": "one"],
        ])
        #expect(badReply.status == 400)

        #expect(server.violations.count == 6)
        #expect(server.calls.allSatisfy { $0.status != 200 })

        // Correct calls in JSON and form encoding pass; form values are coerced to their spec types.
        let json = await client.call("sendMessage", json: [
            "chat_id": .integer(alice.id), "text": "ok",
            "reply_markup": ["inline_keyboard": [[["text": "Yes", "callback_data": "y"]]]],
            "reply_parameters": ["message_id": 1], "link_preview_options": ["is_disabled": true],
        ])
        #expect(json.status == 200)
        let form = await client.call("sendMessage", form: [
            ("chat_id", String(alice.id)), ("text", "form ok"), ("disable_notification", "true"),
            ("reply_markup", #"{"inline_keyboard":[[{"text":"No","callback_data":"n"}]]}"#),
        ])
        #expect(form.status == 200)
        let formCall = server.calls(to: "sendMessage").last
        #expect(formCall?.encoding == "form")
        #expect(formCall?["chat_id"] == .integer(alice.id))
        #expect(formCall?["reply_markup"]?["inline_keyboard"]?.arrayValue?.count == 1)
        #expect(server.violations.count == 6)
    }

    @Test func wrongTokenAndUnknownChatAreRefused() async throws {
        let (server, client) = try await startedServer()
        defer { Task { await server.stop() } }
        let intruder = TelegramTestClient(server: server, token: "999:other")
        let unauthorized = await intruder.call("getMe", json: [:])
        #expect(unauthorized.status == 401)
        let noChat = await client.call("sendMessage", json: ["chat_id": 4242, "text": "x"])
        #expect(noChat.status == 400)
        #expect(noChat.description == "Bad Request: chat not found")
        #expect(server.violations.count == 2)
        #expect(server.violations.allSatisfy { !$0.contains(token) && !$0.contains("999:other") })
        let me = await client.call("getMe", json: [:])
        #expect(me.result?["is_bot"] == true)
        #expect(me.result?["id"]?.integerValue == 123456)
    }

    @Test(arguments: [
        ("<b>bold <i>both</i></b> <strong>s</strong> <u>u</u> <s>x</s> <tg-spoiler>t</tg-spoiler>", "bold both s u x t"),
        (#"<a href="https://example.com/?a=1&amp;b=2">link</a> &lt;tag&gt; &amp; &quot;q&quot; &#65;&#x42;"#,
         #"link <tag> & "q" AB"#),
        (#"<pre><code class="language-swift">let x = 1 &lt; 2</code></pre><blockquote expandable>quote</blockquote>"#,
         "let x = 1 < 2quote"),
        (#"<span class="tg-spoiler">hidden</span> 2 > 1"#, "hidden 2 > 1"),
    ])
    func validHTMLIsAccepted(html: String, plain: String) async throws {
        let (server, client) = try await startedServer()
        defer { Task { await server.stop() } }
        server.enqueueMessage(from: alice, text: "hi")
        let reply = await client.call("sendMessage", json: ["chat_id": .integer(alice.id), "text": .string(html), "parse_mode": "HTML"])
        #expect(reply.status == 200, "\(reply.description ?? "")")
        #expect(reply.result?["text"]?.stringValue == plain)
        #expect(server.messages(inChat: alice.id).last?.plainText == plain)
        #expect(server.messages(inChat: alice.id).last?.text == html)
        #expect(server.violations.isEmpty)
    }

    @Test(arguments: ["<div>block</div>", "<b>unclosed", "a&nbsp;b", "<b><i>x</b></i>", "a < b", "</b>", "Tom & Jerry",
                      #"<span class="x">s</span>"#, "<a>no href</a>"])
    func invalidHTMLCannotBeParsedButIsNotAViolation(html: String) async throws {
        let (server, client) = try await startedServer()
        defer { Task { await server.stop() } }
        server.enqueueMessage(from: alice, text: "hi")
        let reply = await client.call("sendMessage", json: ["chat_id": .integer(alice.id), "text": .string(html), "parse_mode": "HTML"])
        #expect(reply.status == 400)
        #expect(reply.description?.hasPrefix("Bad Request: can't parse entities: ") == true)
        #expect(server.calls.last?.status == 400)
        #expect(server.messages(inChat: alice.id).isEmpty)
        #expect(server.violations.isEmpty)
        // The same text without parse_mode is fine.
        let plain = await client.call("sendMessage", json: ["chat_id": .integer(alice.id), "text": .string(html)])
        #expect(plain.status == 200)
    }

    @Test func textLengthCountsUTF16UnitsAfterParsing() async throws {
        let (server, client) = try await startedServer()
        defer { Task { await server.stop() } }
        server.enqueueMessage(from: alice, text: "hi")
        let emojiFull = String(repeating: "a", count: 4094) + "😀"
        #expect(emojiFull.utf16.count == 4096)
        #expect(await client.call("sendMessage", json: ["chat_id": .integer(alice.id), "text": .string(emojiFull)]).status == 200)
        let html = "<b>" + String(repeating: "a", count: 4096) + "</b>"
        #expect(await client.call("sendMessage", json: [
            "chat_id": .integer(alice.id), "text": .string(html), "parse_mode": "HTML",
        ]).status == 200)
        #expect(server.violations.isEmpty)

        let tooLong = String(repeating: "a", count: 4095) + "😀"
        let reply = await client.call("sendMessage", json: ["chat_id": .integer(alice.id), "text": .string(tooLong)])
        #expect(reply.status == 400)
        #expect(reply.description == "Bad Request: message is too long")
        let caption = await client.call("sendDocument", json: [
            "chat_id": .integer(alice.id), "document": "FILEID", "caption": .string(String(repeating: "c", count: 1025)),
        ])
        #expect(caption.status == 400)
        #expect(server.violations.count == 2)
    }

    @Test func rateLimitAnswers429AndFlagsAnEarlyRetry() async throws {
        let (server, client) = try await startedServer()
        defer { Task { await server.stop() } }
        server.enqueueMessage(from: alice, text: "hi")
        // retry_after is long enough that the "early" retry is early even on a loaded machine.
        server.rateLimit(method: "sendMessage", chatId: alice.id, retryAfter: 3, times: 1)
        let message: FakeTelegramValue = ["chat_id": .integer(alice.id), "text": "hello"]
        let limited = await client.call("sendMessage", json: message)
        #expect(limited.status == 429)
        #expect(limited.json?["parameters"]?["retry_after"] == 3)
        #expect(server.violations.isEmpty)

        let early = await client.call("sendMessage", json: message)
        #expect(early.status == 429)
        #expect(server.violations.count == 1)

        try await Task.sleep(for: .milliseconds(3050))
        let onTime = await client.call("sendMessage", json: message)
        #expect(onTime.status == 200)
        #expect(server.violations.count == 1)
    }

    @Test func failNextInjectsOneFailure() async throws {
        let (server, client) = try await startedServer()
        defer { Task { await server.stop() } }
        server.failNext(method: "getMe", status: 500, description: "Internal Server Error")
        #expect(await client.call("getMe", json: [:]).status == 500)
        #expect(await client.call("getMe", json: [:]).status == 200)
        #expect(server.violations.isEmpty)
    }

    @Test func multipartDocumentIsRecordedAndDownloadable() async throws {
        let (server, client) = try await startedServer()
        defer { Task { await server.stop() } }
        server.enqueueMessage(from: alice, text: "hi")
        let boundary = "----fake-boundary-42"
        let bytes = Data("# Report\n\nline two\r\n--not-a-boundary\n".utf8) + Data([0, 255, 13, 10])
        var body = Data()
        func field(_ name: String, _ value: String) {
            body += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
        }
        field("chat_id", String(alice.id))
        field("caption", "<b>the report</b>")
        field("parse_mode", "HTML")
        body += Data(("--\(boundary)\r\nContent-Disposition: form-data; name=\"document\"; filename=\"report.md\"\r\n"
            + "Content-Type: text/markdown\r\n\r\n").utf8) + bytes + Data("\r\n--\(boundary)--\r\n".utf8)
        let reply = await client.send("POST", "/bot\(token)/sendDocument",
                                      contentType: "multipart/form-data; boundary=\(boundary)", body: body)
        #expect(reply.status == 200, "\(reply.description ?? "")")
        #expect(reply.result?["document"]?["file_name"] == "report.md")
        let sent = try #require(server.messages(inChat: alice.id).last)
        #expect(sent.documentFilename == "report.md")
        #expect(sent.documentBytes == bytes)
        #expect(sent.caption == "<b>the report</b>")
        #expect(server.calls.last?.encoding == "multipart")

        let fileId = try #require(reply.result?["document"]?["file_id"]?.stringValue)
        let file = await client.call("getFile", json: ["file_id": .string(fileId)])
        let path = try #require(file.result?["file_path"]?.stringValue)
        let download = await client.send("GET", "/file/bot\(token)/\(path)")
        #expect(download.status == 200)
        #expect(download.body == bytes)
        #expect(server.violations.isEmpty)
    }

    @Test func editingDeletingAndButtonsFollowTelegramRules() async throws {
        let (server, client) = try await startedServer()
        defer { Task { await server.stop() } }
        let group = FakeTelegramChat(id: -100_777, type: "supergroup", title: "Ops")
        server.enqueueMessage(from: alice, chat: group, text: "hi")
        let keyboard: FakeTelegramValue = ["inline_keyboard": [[["text": "Approve", "callback_data": "a:1"]]]]
        let first = await client.call("sendMessage", json: ["chat_id": -100_777, "text": "one", "reply_markup": keyboard])
        let second = await client.call("sendMessage", json: ["chat_id": -100_777, "text": "two"])
        let firstId = try #require(first.result?["message_id"]?.integerValue)
        #expect(second.result?["message_id"]?.integerValue == firstId + 1)
        #expect(first.result?["chat"]?["title"] == "Ops")

        let same = await client.call("editMessageText", json: [
            "chat_id": -100_777, "message_id": .integer(firstId), "text": "one", "reply_markup": keyboard,
        ])
        #expect(same.status == 400)
        #expect(same.description?.hasPrefix("Bad Request: message is not modified") == true)
        let changed = await client.call("editMessageText", json: [
            "chat_id": -100_777, "message_id": .integer(firstId), "text": "one, approved",
        ])
        #expect(changed.status == 200)
        #expect(server.messages(inChat: -100_777).first?.text == "one, approved")
        #expect(server.messages(inChat: -100_777).first?.replyMarkup == nil)
        #expect(server.violations.isEmpty)

        let deleted = await client.call("deleteMessage", json: ["chat_id": -100_777, "message_id": .integer(firstId)])
        #expect(deleted.result == true)
        #expect(server.messages(inChat: -100_777).first?.deleted == true)

        let press = server.enqueueCallbackQuery(from: alice, chat: group, messageId: firstId, data: "a:1")
        let updates = await client.call("getUpdates", json: ["offset": 0])
        let query = try #require(updates.result?.arrayValue?.first { $0["update_id"]?.integerValue == press }?["callback_query"])
        #expect(query["data"] == "a:1")
        let queryId = try #require(query["id"]?.stringValue)
        #expect(await client.call("answerCallbackQuery", json: ["callback_query_id": .string(queryId)]).status == 200)
        #expect(server.violations.isEmpty)
        #expect(await client.call("answerCallbackQuery", json: ["callback_query_id": .string(queryId)]).status == 400)

        let longData = String(repeating: "x", count: 65)
        let badButton = await client.call("sendMessage", json: [
            "chat_id": -100_777, "text": "t", "reply_markup": ["inline_keyboard": [[["text": "B", "callback_data": .string(longData)]]]],
        ])
        #expect(badButton.status == 400)
        #expect(server.violations.count == 2)
    }
}
