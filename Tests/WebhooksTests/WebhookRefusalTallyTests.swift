import Messages
import Testing
@testable import Webhooks

@Suite struct WebhookRefusalTallyTests {
    @Test func refusalsAreCountedPerHookAndReasonWithAFewSenders() throws {
        var tally = WebhookRefusalTally()
        let empty = tally.drain()
        #expect(empty == nil)
        for index in 0..<20_000 {
            tally.record(hook: "github", reason: .badSignature, sender: "203.0.113.\(index % 50)", now: 1_000 + Int64(index))
        }
        tally.record(hook: "deploy", reason: .tooLarge, sender: "203.0.113.9", now: 30_000)
        let drained = tally.drain()
        let report = try #require(drained)
        #expect(report.since == 1_000)
        #expect(report.counts == [
            .init(hook: "deploy", reason: "too_large", count: 1, senders: ["203.0.113.9"]),
            .init(hook: "github", reason: "bad_signature", count: 20_000,
                  senders: ["203.0.113.0", "203.0.113.1", "203.0.113.2", "203.0.113.3", "203.0.113.4"]),
        ])
        let emptied = tally.drain()
        #expect(emptied == nil)
    }

    @Test func randomHookNamesFoldIntoOneCount() throws {
        var tally = WebhookRefusalTally(maxKeys: 8)
        for index in 0..<1_000 { tally.record(hook: "h\(index)", reason: .badSignature, sender: "s", now: 1) }
        let drained = tally.drain()
        let report = try #require(drained)
        #expect(report.counts.count == 8)
        #expect(report.counts.reduce(0) { $0 + $1.count } == 1_000)
        #expect(report.counts.contains { $0.hook == "(other)" && $0.count == 1_000 - 7 })
    }

    @Test func anUnsentReportComesBackInTheNextOne() throws {
        var tally = WebhookRefusalTally()
        tally.record(hook: "github", reason: .badSignature, sender: "a", now: 10)
        let drained = tally.drain()
        let unsent = try #require(drained)
        tally.record(hook: "github", reason: .badSignature, sender: "b", now: 20)
        tally.absorb(unsent)
        let merged = tally.drain()
        let report = try #require(merged)
        #expect(report.since == 10)
        #expect(report.counts == [WebhookRefusals.Count(hook: "github", reason: "bad_signature", count: 2, senders: ["b", "a"])])
    }
}
