import Messages
import Testing

@testable import Guard

/// The guard's view of Telegram failing as a whole, from egress's results: started once, kind kept current, and
/// replies held counted; results that are not about Telegram as a whole change nothing.
@Suite struct DeliveryOutageTests {
    static func retry(_ id: String, _ outage: DeliveryResult.Outage?) -> DeliveryResult {
        DeliveryResult(deliveryId: id, status: .retry, error: "e", outage: outage)
    }

    @Test func anOutageStartsOnceAndCountsTheRepliesItHolds() {
        var (outage, started) = DeliveryOutage.noting(Self.retry("a", .tokenRefused), during: nil, now: 1_000)
        #expect(started)
        (outage, started) = DeliveryOutage.noting(Self.retry("b", .tokenRefused), during: outage, now: 2_000)
        #expect(!started)
        (outage, started) = DeliveryOutage.noting(Self.retry("a", .tokenRefused), during: outage, now: 3_000)
        #expect(outage?.held == ["a", "b"])
        #expect(outage?.since == 1_000)
        #expect(outage?.problem(now: 4_000).contains("TELEGRAM_BOT_TOKEN is wrong") == true)
        (outage, started) = DeliveryOutage.noting(Self.retry("c", .unreachable), during: outage, now: 5_000)
        #expect(started, "a change of kind is news")
        #expect(outage?.problem(now: 5_000).contains("unreachable for 4 s") == true)
    }

    @Test func otherResultsChangeNothing() {
        let rateLimited = DeliveryResult(deliveryId: "a", status: .retry, retryAfterMs: 2_000)
        #expect(DeliveryOutage.noting(rateLimited, during: nil, now: 0).outage == nil)
        let refused = DeliveryResult(deliveryId: "a", status: .rejected, error: "Forbidden")
        #expect(DeliveryOutage.noting(refused, during: nil, now: 0).outage == nil)
    }
}
