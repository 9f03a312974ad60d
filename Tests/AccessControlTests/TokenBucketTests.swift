import Messages
import Testing
import Foundation

@testable import AccessControl

@Suite struct TokenBucketTests {
    // 10 requests per minute: one token every 6 000 ms, up to 3 at once.
    let limit = RateLimit(requests: 10, windowSeconds: 60, burst: 3)
    let start: EpochMillis = 1_700_000_000_000

    @Test func fullBucketAllowsExactlyTheBurstThenRefuses() {
        var bucket = TokenBucket.full(limit, now: start)
        for _ in 0..<3 { #expect(bucket.take(limit, now: start) == .allowed) }
        #expect(bucket.take(limit, now: start) == .refused(retryAfterMs: 6_000))
    }

    @Test func retryAfterIsExactToTheMillisecond() {
        var bucket = TokenBucket.full(limit, now: start)
        for _ in 0..<3 { _ = bucket.take(limit, now: start) }
        guard case .refused(let retry) = bucket.take(limit, now: start) else {
            Issue.record("expected a refusal")
            return
        }
        var early = bucket
        #expect(early.take(limit, now: start + retry - 1) != .allowed)
        #expect(bucket.take(limit, now: start + retry) == .allowed)
    }

    @Test func retryAfterShrinksAsTimePasses() {
        var bucket = TokenBucket(tokens: 0, updatedAt: start)
        #expect(bucket.take(limit, now: start + 1_000) == .refused(retryAfterMs: 5_000))
        #expect(bucket.take(limit, now: start + 5_999) == .refused(retryAfterMs: 1))
        #expect(bucket.take(limit, now: start + 6_000) == .allowed)
    }

    @Test func retryAfterIsExactForAwkwardRates() {
        // 7 per 13 s: a token every 1857.142… ms; the refusal must name the first whole millisecond that works.
        let odd = RateLimit(requests: 7, windowSeconds: 13, burst: 2)
        var bucket = TokenBucket.full(odd, now: start)
        var now = start
        var refusals = 0
        for step in 0..<200 {
            now += Int64(step % 5) * 333
            var probe = bucket
            switch bucket.take(odd, now: now) {
            case .allowed:
                continue
            case .refused(let retry):
                refusals += 1
                #expect(retry >= 1)
                var tooEarly = probe
                if retry > 1 { #expect(tooEarly.take(odd, now: now + retry - 1) != .allowed) }
                #expect(probe.take(odd, now: now + retry) == .allowed)
            }
        }
        #expect(refusals > 0)
    }

    @Test func refillIsExactOverWholePeriods() {
        var bucket = TokenBucket(tokens: 0, updatedAt: start)
        #expect(bucket.tokens(limit, at: start + 12_000) == 2)
        #expect(bucket.take(limit, now: start + 12_000) == .allowed)
        #expect(bucket.take(limit, now: start + 12_000) == .allowed)
        #expect(bucket.take(limit, now: start + 12_000) == .refused(retryAfterMs: 6_000))
    }

    @Test func tokensNeverExceedBurst() {
        var bucket = TokenBucket(tokens: 1, updatedAt: start)
        #expect(bucket.tokens(limit, at: start + 86_400_000 * 365) == 3)
        for _ in 0..<3 { #expect(bucket.take(limit, now: start + 10_000_000) == .allowed) }
        #expect(bucket.take(limit, now: start + 10_000_000) != .allowed)
        // A bucket persisted under a larger burst is held to the current one.
        var oversized = TokenBucket(tokens: 50, updatedAt: start)
        for _ in 0..<3 { #expect(oversized.take(limit, now: start) == .allowed) }
        #expect(oversized.take(limit, now: start) != .allowed)
        #expect(oversized.tokens <= limit.capacity)
    }

    @Test func clockGoingBackwardsMintsNothing() {
        var bucket = TokenBucket.full(limit, now: start)
        for _ in 0..<3 { _ = bucket.take(limit, now: start) }
        // Ten seconds back, then forward to the original time: no token has been earned in real terms.
        #expect(bucket.take(limit, now: start - 10_000) == .refused(retryAfterMs: 16_000))
        #expect(bucket.updatedAt == start)
        #expect(bucket.take(limit, now: start) == .refused(retryAfterMs: 6_000))
        #expect(bucket.take(limit, now: start + 6_000) == .allowed)
    }

    @Test func extremeTimesDoNotCrash() {
        var bucket = TokenBucket(tokens: 0, updatedAt: .min)
        #expect(bucket.take(limit, now: .max) == .allowed)
        var future = TokenBucket(tokens: 0, updatedAt: .max)
        if case .refused(let retry) = future.take(limit, now: 0) { #expect(retry > 0) } else {
            Issue.record("a bucket counted in the far future has no token now")
        }
    }

    @Test func glacialLimitsDoNotOverflow() {
        let glacial = RateLimit(requests: 1, windowSeconds: .max, burst: 1)
        var bucket = TokenBucket.full(glacial, now: start)
        #expect(bucket.take(glacial, now: start) == .allowed)
        #expect(bucket.take(glacial, now: start) == .refused(retryAfterMs: .max))
    }

    @Test func damagedStateIsSanitised() {
        var nan = TokenBucket(tokens: .nan, updatedAt: start)
        #expect(nan.take(limit, now: start) == .refused(retryAfterMs: 6_000))
        var negative = TokenBucket(tokens: -40, updatedAt: start)
        #expect(negative.take(limit, now: start) == .refused(retryAfterMs: 6_000))
    }

    @Test func nonsensicalLimitsAreStrictNotUndefined() {
        let zero = RateLimit(requests: 0, windowSeconds: 0, burst: 0)
        var bucket = TokenBucket.full(zero, now: start)
        #expect(bucket.take(zero, now: start) == .allowed)
        #expect(bucket.take(zero, now: start) == .refused(retryAfterMs: 1_000))
    }

    @Test func survivesAJSONRoundTrip() throws {
        var bucket = TokenBucket.full(limit, now: start)
        _ = bucket.take(limit, now: start + 123)
        let data = try JSONEncoder().encode(bucket)
        #expect(try JSONDecoder().decode(TokenBucket.self, from: data) == bucket)
    }
}
