import Testing
@testable import Webhooks

@Suite struct SenderRateLimiterTests {
    let start = ContinuousClock.now

    @Test func aSenderGetsItsBurstThenWaitsForTheRefill() {
        var limiter = SenderRateLimiter(perMinute: 60)
        for _ in 0..<60 { do { let allowed = limiter.allow("198.51.100.7", now: start); #expect(allowed) } }
        do { let allowed = limiter.allow("198.51.100.7", now: start); #expect(!allowed) }
        // Another sender is not affected.
        do { let allowed = limiter.allow("198.51.100.8", now: start); #expect(allowed) }
        // 60 a minute: one token a second.
        do { let allowed = limiter.allow("198.51.100.7", now: start + .milliseconds(900)); #expect(!allowed) }
        do { let allowed = limiter.allow("198.51.100.7", now: start + .milliseconds(1_950)); #expect(allowed) }
        do { let allowed = limiter.allow("198.51.100.7", now: start + .milliseconds(1_960)); #expect(!allowed) }
    }

    @Test func refusedRequestsDoNotBuyTime() {
        var limiter = SenderRateLimiter(perMinute: 2)
        do { let allowed = limiter.allow("a", now: start); #expect(allowed) }
        do { let allowed = limiter.allow("a", now: start); #expect(allowed) }
        for step in 1...20 { do { let allowed = limiter.allow("a", now: start + .milliseconds(step)); #expect(!allowed) } }
        // 2 a minute: one token after 30 s.
        do { let allowed = limiter.allow("a", now: start + .seconds(30)); #expect(allowed) }
    }

    @Test func theTableStaysBoundedUnderAFloodOfAddresses() {
        var limiter = SenderRateLimiter(perMinute: 5, maxSenders: 100)
        for index in 0..<10_000 { _ = limiter.allow("2001:db8::\(index)", now: start + .milliseconds(index)) }
        #expect(limiter.trackedSenders <= 100)
    }

    @Test func aBusySenderIsNotForgottenWhileIdleOnesAre() {
        var limiter = SenderRateLimiter(perMinute: 3, maxSenders: 10)
        for _ in 0..<3 { _ = limiter.allow("busy", now: start) }
        // Nine senders that asked once; 30 s later their buckets are full again (one token per 20 s), the busy
        // sender's is not (1.5 tokens), and a crowd of newcomers needs room.
        for index in 0..<9 { _ = limiter.allow("idle-\(index)", now: start) }
        let later = start + .seconds(30)
        for index in 0..<9 { _ = limiter.allow("new-\(index)", now: later) }
        #expect(limiter.trackedSenders <= 10)
        // Forgetting "busy" would give it a fresh burst of 3; it has one request left.
        do { let allowed = limiter.allow("busy", now: later); #expect(allowed) }
        do { let allowed = limiter.allow("busy", now: later); #expect(!allowed) }
    }
}
