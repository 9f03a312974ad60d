import Crypto
import Foundation
import HTTP
import Messages
import Testing
@testable import Webhooks

/// Real HTTP against the real receiver; only the guard is a fake (a ROUTER socket acknowledging as the guard would).
/// Listed in the serial phase of `scripts/test`: these start servers and measure time.
@Suite(.serialized) struct WebhookServerTests {
    let payload = Data(#"{"ref":"refs/heads/main","commits":[]}"#.utf8)

    @Test func aGoodGitHubDeliveryIsAnsweredOnlyAfterTheGuardAcknowledged() async throws {
        let harness = try await ReceiverHarness.start()
        harness.fakeGuard.answer { event in
            (.milliseconds(800), WebhookAck(hook: event.hook, deliveryId: event.deliveryId, outcome: .accepted, runs: 1))
        }
        let response = try await harness.github(payload, delivery: "72d3162e-cc78-11e3-81ab-4c9367dc0958")
        let answeredAt = ContinuousClock.now
        #expect(response.status == 202)
        #expect(status(of: response) == "accepted")
        let events = harness.fakeGuard.receivedEvents
        #expect(events.first?.hook == "github")
        #expect(events.first?.deliveryId == "72d3162e-cc78-11e3-81ab-4c9367dc0958")
        #expect(events.first?.event == "push")
        #expect(events.first?.payload == payload)
        let forwardedAt = try #require(harness.fakeGuard.firstEventAt)
        #expect(answeredAt - forwardedAt >= .milliseconds(800), "the 202 must wait for the acknowledgement")
        await harness.stop()
    }

    @Test func gitHubsDocumentedExampleIsAcceptedEndToEnd() async throws {
        let harness = try await ReceiverHarness.start()
        // "Hello, World!" is not JSON, so the documented vector itself must pass the signature check and then be
        // refused as bad JSON (400), not as a bad signature (401).
        let response = try await harness.post("/webhooks/github", body: Data("Hello, World!".utf8), headers: [
            "X-Hub-Signature-256": "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
            "X-GitHub-Delivery": "d-example",
        ])
        #expect(response.status == 400)
        #expect(reason(of: response) == "bad_json")
        #expect(harness.fakeGuard.receivedEvents.isEmpty)
        await harness.stop()
    }

    @Test func aDuplicateIsAnswered200AndIgnoredIs202() async throws {
        let harness = try await ReceiverHarness.start()
        harness.fakeGuard.answer { event in
            (.zero, WebhookAck(hook: event.hook, deliveryId: event.deliveryId,
                               outcome: event.deliveryId == "seen" ? .duplicate : .ignored))
        }
        let duplicate = try await harness.github(payload, delivery: "seen")
        #expect(duplicate.status == 200)
        #expect(status(of: duplicate) == "duplicate")
        let ignored = try await harness.github(payload, delivery: "fresh", event: "star")
        #expect(ignored.status == 202)
        #expect(status(of: ignored) == "ignored")
        await harness.stop()
    }

    @Test func aHookNoRuleNamesIs404() async throws {
        let harness = try await ReceiverHarness.start()
        harness.fakeGuard.answer { event in
            (.zero, WebhookAck(hook: event.hook, deliveryId: event.deliveryId, outcome: .refused, reason: WebhookAck.unknownHook))
        }
        let response = try await harness.post("/webhooks/nobody", body: payload, headers: [
            "Authorization": "Bearer \(ReceiverHarness.apiSecret)",
        ])
        #expect(response.status == 404)
        #expect(reason(of: response) == "unknown_hook")
        #expect(harness.fakeGuard.receivedEvents.map(\.hook) == ["nobody"])
        // A malformed name never reaches the guard.
        let malformed = try await harness.post("/webhooks/No%20Such", body: payload, headers: [
            "Authorization": "Bearer \(ReceiverHarness.apiSecret)",
        ])
        #expect(malformed.status == 404)
        #expect(harness.fakeGuard.receivedEvents.count == 1)
        await harness.stop()
    }

    /// The receiver's pieces stop in reverse order: the server first, then the refusal reporter sends what it
    /// counted since its last report, over the guard link that stops last.
    @Test func refusalsCountedJustBeforeAShutdownAreReportedOnTheWayOut() async throws {
        let harness = try await ReceiverHarness.start { $0.refusalReportInterval = .seconds(600) }
        _ = try await harness.github(payload, delivery: "r1", secret: "not the secret")
        _ = try await harness.github(payload, delivery: "r2", secret: "not the secret")
        #expect(harness.fakeGuard.reportDeliveries == 0, "no report is due before the shutdown")
        await harness.serviceGroup.triggerGracefulShutdown()
        _ = await harness.task.result
        #expect(await ReceiverHarness.eventually { harness.fakeGuard.reports.flatMap(\.counts).reduce(0) { $0 + $1.count } == 2 })
        await harness.stop()
    }

    @Test func aRefusalReportIsSentAgainUntilTheGuardAcknowledgesItAndCountedOnce() async throws {
        let harness = try await ReceiverHarness.start { $0.refusalReportInterval = .milliseconds(200) }
        harness.fakeGuard.acknowledgeReports(false)
        _ = try await harness.github(payload, delivery: "r1", secret: "not the secret")
        // Unacknowledged (the guard crashed, say): the same report, same id, again and again.
        #expect(await ReceiverHarness.eventually { harness.fakeGuard.reportDeliveries >= 3 })
        #expect(harness.fakeGuard.reports.count == 1, "a re-sent report is the same report")
        _ = try await harness.github(payload, delivery: "r2", secret: "not the secret")
        try await Task.sleep(for: .milliseconds(500))
        #expect(harness.fakeGuard.reports.flatMap(\.counts).reduce(0) { $0 + $1.count } == 1, "new refusals wait for the next report")

        harness.fakeGuard.acknowledgeReports(true)
        #expect(await ReceiverHarness.eventually { harness.fakeGuard.reports.flatMap(\.counts).reduce(0) { $0 + $1.count } == 2 })
        let settled = harness.fakeGuard.reportDeliveries
        try await Task.sleep(for: .milliseconds(700))
        #expect(harness.fakeGuard.reportDeliveries == settled, "an acknowledged report is not sent again")
        #expect(harness.fakeGuard.reports.count == 2)
        await harness.stop()
    }

    @Test func aWrongOrMissingSignatureIs401AndNothingIsForwarded() async throws {
        let harness = try await ReceiverHarness.start()
        let wrong = try await harness.github(payload, delivery: "d1", secret: "not the secret")
        #expect(wrong.status == 401)
        #expect(reason(of: wrong) == "bad_signature")
        let missing = try await harness.post("/webhooks/github", body: payload, headers: ["X-GitHub-Delivery": "d2"])
        #expect(missing.status == 401)
        let badBearer = try await harness.post("/webhooks/deploy", body: payload, headers: ["Authorization": "Bearer guess"])
        #expect(badBearer.status == 401)
        try await Task.sleep(for: .milliseconds(300))
        #expect(harness.fakeGuard.receivedEvents.isEmpty)
        #expect(await ReceiverHarness.eventually { harness.fakeGuard.reports.flatMap(\.counts).reduce(0) { $0 + $1.count } == 3 })
        await harness.stop()
    }

    @Test func aHookWithoutASecretRefusesEverything() async throws {
        let harness = try await ReceiverHarness.start { $0.apiSecret = nil }
        let response = try await harness.post("/webhooks/deploy", body: payload, headers: [
            "Authorization": "Bearer \(ReceiverHarness.apiSecret)",
        ])
        #expect(response.status == 401)
        #expect(reason(of: response) == "no_secret")
        #expect(harness.fakeGuard.receivedEvents.isEmpty)
        await harness.stop()
    }

    @Test func aGenericHookAcceptsTheBearerTokenAndTheHMAC() async throws {
        let harness = try await ReceiverHarness.start()
        let bearer = try await harness.post("/webhooks/deploy", body: payload, headers: [
            "Authorization": "Bearer \(ReceiverHarness.apiSecret)", "Idempotency-Key": "deploy-1",
        ])
        #expect(bearer.status == 202)
        let signed = try await harness.post("/webhooks/deploy", body: payload, headers: [
            "X-Signature-256": ReceiverHarness.signature(payload, ReceiverHarness.apiSecret),
        ])
        #expect(signed.status == 202)
        let events = harness.fakeGuard.receivedEvents
        #expect(events.map(\.deliveryId) == ["deploy-1", Hex.lowercase(SHA256.hash(data: payload))])
        #expect(events.allSatisfy { $0.hook == "deploy" && $0.event == nil && $0.payload == payload })
        await harness.stop()
    }

    @Test func anOversizeBodyIs413AndBadJSONIs400() async throws {
        let harness = try await ReceiverHarness.start()
        let big = Data(("{\"x\":\"" + String(repeating: "a", count: 10_000) + "\"}").utf8)
        let oversize = try await harness.github(big, delivery: "big")
        #expect(oversize.status == 413)
        #expect(reason(of: oversize) == "too_large")
        let notJSON = Data("ref=main".utf8)
        let bad = try await harness.github(notJSON, delivery: "bad")
        #expect(bad.status == 400)
        #expect(reason(of: bad) == "bad_json")
        #expect(harness.fakeGuard.receivedEvents.isEmpty)
        await harness.stop()
    }

    @Test func aBodyTrickledInIsCutOffAtTheDeadline() async throws {
        let harness = try await ReceiverHarness.start { $0.bodyDeadline = .seconds(2) }
        let connection = try RawHTTPConnection(port: harness.port)
        let started = ContinuousClock.now
        connection.write("POST /webhooks/github HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            + "X-Hub-Signature-256: sha256=00\r\nX-GitHub-Delivery: slow\r\nContent-Length: 200\r\n\r\n{")
        // One byte every 200 ms: far inside the idle timeout, far outside the body deadline.
        let trickle = Task.detached {
            for _ in 0..<100 {
                try? await Task.sleep(for: .milliseconds(200))
                if Task.isCancelled || !connection.write(" ") { return }
            }
        }
        let (text, closed) = await Task.detached { connection.readUntilClosed(timeout: .seconds(6)) }.value
        let elapsed = ContinuousClock.now - started
        trickle.cancel()
        #expect(text.hasPrefix("HTTP/1.1 408"), "answered: \(text.prefix(40))")
        #expect(closed, "the connection must be closed, not drained")
        #expect(elapsed < .milliseconds(4_500), "took \(elapsed)")
        #expect(harness.fakeGuard.receivedEvents.isEmpty)
        #expect(await ReceiverHarness.eventually { harness.fakeGuard.reports.flatMap(\.counts).contains { $0.reason == "timeout" } })
        await harness.stop()
    }

    @Test func aSenderOverTheRateGets429() async throws {
        let harness = try await ReceiverHarness.start { $0.rateLimitPerMinute = 3 }
        var statuses: [Int] = []
        for index in 0..<5 { statuses.append(try await harness.github(payload, delivery: "r\(index)").status) }
        #expect(statuses == [202, 202, 202, 429, 429])
        #expect(harness.fakeGuard.receivedEvents.count == 3)
        await harness.stop()
    }

    @Test func aSilentGuardMeans503AfterTheDeadlineWithResendsMeanwhile() async throws {
        let harness = try await ReceiverHarness.start { $0.ackDeadline = .seconds(2) }
        harness.fakeGuard.answer { _ in nil }
        let started = ContinuousClock.now
        let response = try await harness.github(payload, delivery: "unanswered")
        let elapsed = ContinuousClock.now - started
        #expect(response.status == 503)
        #expect(elapsed >= .seconds(2) && elapsed < .seconds(4), "took \(elapsed)")
        // Every 300 ms for 2 s: the same delivery several times, for the guard to de-duplicate.
        let copies = harness.fakeGuard.receivedEvents
        #expect(copies.count >= 4)
        #expect(Set(copies.map(\.deliveryId)) == ["unanswered"])
        await harness.stop()
    }

    @Test func aFloodOfBadRequestsReachesTheGuardAsAFewCountedReports() async throws {
        let harness = try await ReceiverHarness.start()
        let flood = 400
        try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<flood {
                group.addTask { try await harness.github(payload, delivery: "f\(index)", secret: "wrong").status }
            }
            for try await status in group { #expect(status == 401) }
        }
        #expect(await ReceiverHarness.eventually {
            harness.fakeGuard.reports.flatMap(\.counts).reduce(0) { $0 + $1.count } == flood
        })
        let reports = harness.fakeGuard.reports
        #expect(reports.count <= 10, "\(reports.count) reports for \(flood) refusals")
        #expect(reports.flatMap(\.counts).allSatisfy { $0.hook == "github" && $0.reason == "bad_signature" && $0.senders == ["127.0.0.1"] })
        #expect(harness.fakeGuard.receivedEvents.isEmpty)
        await harness.stop()
    }

    @Test func healthzFollowsTheGuardLink() async throws {
        let harness = try await ReceiverHarness.start()
        #expect(try await harness.get("/healthz").status == 200)
        await harness.fakeGuard.stop()
        // The link is presumed down after ~3.5 s without a heartbeat answer.
        var status = 200
        let end = ContinuousClock.now + .seconds(8)
        while status == 200, ContinuousClock.now < end {
            try await Task.sleep(for: .milliseconds(200))
            status = try await harness.get("/healthz").status
        }
        #expect(status == 503)
        await harness.stop()
    }
}
