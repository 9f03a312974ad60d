import Messages
import Testing

@testable import AccessControl
@testable import Ledger

/// Deterministic generator (SplitMix64) so issued tokens are reproducible in tests.
struct SeededSecurityRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite struct AccessTokensTests {
    let secret = Array("an-auth-token-secret-of-32-bytes".utf8)
    let now: EpochMillis = 1_700_000_000_000

    func makeIssuer(_ secret: [UInt8]? = nil) throws -> AccessTokenIssuer {
        try AccessTokenIssuer(secret: secret ?? self.secret)
    }

    @Test func shortSecretIsRefusedWithoutEchoingIt() {
        let short = Array("fifteen-bytes!!".utf8)
        #expect(short.count == 15)
        do {
            _ = try AccessTokenIssuer(secret: short)
            Issue.record("a 15-byte secret was accepted")
        } catch let error as SecurityError {
            #expect(error.code == "security.secret_too_short")
            #expect(!error.description.contains("fifteen"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
        #expect(throws: Never.self) { try AccessTokenIssuer(secret: Array(repeating: 7, count: 16)) }
    }

    @Test func issuedTokenHasTheDocumentedShape() throws {
        var random = SeededSecurityRandom(seed: 1)
        let issued = try makeIssuer().issue(userId: 42, now: now, ttlSeconds: 3_600, random: &random)
        #expect(issued.token.utf8.count == AccessTokenIssuer.tokenLength)
        #expect(issued.token.hasPrefix("gh_" + issued.id + "_"))
        #expect(issued.id.count == 8)
        #expect(issued.id.allSatisfy { "0123456789abcdef".contains($0) })
        #expect(issued.userId == 42)
        #expect(issued.issuedAt == now)
        #expect(issued.expiresAt == now + 3_600_000)
        #expect(issued.hash.count == 64)
        #expect(issued.hash != issued.token)
        #expect(!issued.hash.contains(issued.token.dropFirst(12)))
        #expect(AccessTokenIssuer.tokenId(of: issued.token) == issued.id)
    }

    @Test func roundTripMatches() throws {
        let issuer = try makeIssuer()
        var random = SeededSecurityRandom(seed: 2)
        for userId in Int64(1)...50 {
            let issued = issuer.issue(userId: userId, now: now, ttlSeconds: 60, random: &random)
            #expect(issuer.matches(presented: issued.token, hash: issued.hash))
            #expect(AccessTokenIssuer.tokenId(of: issued.token) == issued.id)
        }
    }

    @Test func tokensAreDistinctAndRandomnessIsInjectable() throws {
        let issuer = try makeIssuer()
        var first = SeededSecurityRandom(seed: 3)
        var again = SeededSecurityRandom(seed: 3)
        let a = issuer.issue(userId: 1, now: now, ttlSeconds: 60, random: &first)
        let b = issuer.issue(userId: 1, now: now, ttlSeconds: 60, random: &first)
        let c = issuer.issue(userId: 1, now: now, ttlSeconds: 60, random: &again)
        #expect(a.token != b.token)
        #expect(a.hash != b.hash)
        #expect(a.token == c.token)
        let system1 = issuer.issue(userId: 1, now: now, ttlSeconds: 60)
        let system2 = issuer.issue(userId: 1, now: now, ttlSeconds: 60)
        #expect(system1.token != system2.token)
    }

    @Test func wrongSecretDoesNotMatch() throws {
        var random = SeededSecurityRandom(seed: 4)
        let issued = try makeIssuer().issue(userId: 7, now: now, ttlSeconds: 60, random: &random)
        let other = try makeIssuer(Array("a-different-secret-entirely-here".utf8))
        #expect(!other.matches(presented: issued.token, hash: issued.hash))
        #expect(other.hash(of: issued.token) != issued.hash)
    }

    @Test func anotherUsersTokenDoesNotMatchThisHash() throws {
        let issuer = try makeIssuer()
        var random = SeededSecurityRandom(seed: 5)
        let alice = issuer.issue(userId: 1, now: now, ttlSeconds: 60, random: &random)
        let bob = issuer.issue(userId: 2, now: now, ttlSeconds: 60, random: &random)
        #expect(!issuer.matches(presented: bob.token, hash: alice.hash))
        #expect(!issuer.matches(presented: alice.token, hash: bob.hash))
    }

    @Test func everySingleCharacterChangeIsRejected() throws {
        let issuer = try makeIssuer()
        var random = SeededSecurityRandom(seed: 6)
        let issued = issuer.issue(userId: 1, now: now, ttlSeconds: 60, random: &random)
        let characters = Array(issued.token)
        for index in characters.indices {
            for replacement in ["A", "z", "0", "_", "-", "é"] where String(characters[index]) != replacement {
                var tampered = characters
                tampered[index] = Character(replacement)
                #expect(!issuer.matches(presented: String(tampered), hash: issued.hash))
            }
        }
        #expect(!issuer.matches(presented: issued.token + "A", hash: issued.hash))
        #expect(!issuer.matches(presented: String(issued.token.dropLast()), hash: issued.hash))
        #expect(!issuer.matches(presented: " " + issued.token, hash: issued.hash))
    }

    @Test func storedHashDamageIsRejected() throws {
        let issuer = try makeIssuer()
        var random = SeededSecurityRandom(seed: 7)
        let issued = issuer.issue(userId: 1, now: now, ttlSeconds: 60, random: &random)
        let lastFlipped = String(issued.hash.dropLast()) + (issued.hash.last == "0" ? "1" : "0")
        let firstFlipped = (issued.hash.first == "0" ? "1" : "0") + String(issued.hash.dropFirst())
        for damaged in [lastFlipped, firstFlipped, issued.hash.uppercased(), "", String(issued.hash.prefix(63)),
                        issued.hash + "0", issued.token] {
            #expect(!issuer.matches(presented: issued.token, hash: damaged))
        }
    }

    @Test func malformedTokensNeverCrashAndNeverParse() throws {
        let issuer = try makeIssuer()
        let valid = "gh_0123abcd_" + String(repeating: "A", count: 43)
        #expect(AccessTokenIssuer.tokenId(of: valid) == "0123abcd")
        let malformed = [
            "", "gh_", "gh__", "gh_0123abcd", "gh_0123abcd_",
            "gh_0123ABCD_" + String(repeating: "A", count: 43),  // uppercase id
            "gh_0123abc_" + String(repeating: "A", count: 44),  // id one short
            "gh-0123abcd_" + String(repeating: "A", count: 43),  // wrong prefix
            "GH_0123abcd_" + String(repeating: "A", count: 43),
            "gh_0123abcd-" + String(repeating: "A", count: 43),  // wrong separator
            "gh_0123abcd_" + String(repeating: "A", count: 42),
            "gh_0123abcd_" + String(repeating: "A", count: 44),
            "gh_0123abcd_" + String(repeating: "A", count: 42) + "B",  // not a canonical final character
            "gh_0123abcd_" + String(repeating: "A", count: 42) + "=",
            "gh_0123abcd_" + String(repeating: "A", count: 41) + "+A",
            "gh_0123abcd_" + String(repeating: "é", count: 21) + "A",  // right byte count, wrong characters
            "gh_0123abcd_" + String(repeating: "A", count: 42) + "\u{0}",
            "gh_01２3abcd_" + String(repeating: "A", count: 43),
            "👩‍👩‍👧‍👦", String(repeating: "gh_", count: 200_000), String(repeating: "\u{301}", count: 10_000),
            valid + "\n", "\u{FEFF}" + valid,
        ]
        for text in malformed {
            #expect(AccessTokenIssuer.tokenId(of: text) == nil, "accepted \(text.prefix(40).debugDescription)")
            #expect(!issuer.matches(presented: text, hash: issuer.hash(of: text)))
        }
    }

    @Test func compareIsConstantTimeInShape() {
        // The compare must look at every byte: equal inputs, a difference at either end, and length mismatches.
        let a = Array(repeating: UInt8(0x61), count: 64)
        var lastDiffers = a
        lastDiffers[63] = 0x62
        var firstDiffers = a
        firstDiffers[0] = 0x62
        #expect(SecurityEncoding.constantTimeEquals(a, a))
        #expect(!SecurityEncoding.constantTimeEquals(a, lastDiffers))
        #expect(!SecurityEncoding.constantTimeEquals(a, firstDiffers))
        #expect(!SecurityEncoding.constantTimeEquals(a, Array(a.dropLast())))
        #expect(SecurityEncoding.constantTimeEquals([UInt8](), [UInt8]()))
    }

    @Test func ttlIsAtLeastOneSecondAndNeverOverflows() throws {
        let issuer = try makeIssuer()
        var random = SeededSecurityRandom(seed: 8)
        #expect(issuer.issue(userId: 1, now: now, ttlSeconds: 0, random: &random).expiresAt == now + 1_000)
        #expect(issuer.issue(userId: 1, now: now, ttlSeconds: -5, random: &random).expiresAt == now + 1_000)
        #expect(issuer.issue(userId: 1, now: now, ttlSeconds: .max, random: &random).expiresAt == .max)
        #expect(issuer.issue(userId: 1, now: now, ttlSeconds: Int64.max / 1000, random: &random).expiresAt == .max)
    }

    @Test func printingNeverShowsTheTokenOrSecret() throws {
        let issuer = try makeIssuer()
        var random = SeededSecurityRandom(seed: 9)
        let issued = issuer.issue(userId: 1, now: now, ttlSeconds: 60, random: &random)
        let secretPart = String(issued.token.dropFirst(12))
        var dumped = ""
        dump(issued, to: &dumped)
        for text in ["\(issued)", String(reflecting: issued), dumped] {
            #expect(!text.contains(secretPart))
            #expect(text.contains(issued.id))
        }
        #expect(!"\(issuer)".contains("an-auth-token-secret"))
    }

    @Test func pseudonymsAreStableKeyedAndDistinct() throws {
        let issuer = try makeIssuer()
        let other = try makeIssuer(Array("a-different-secret-entirely-here".utf8))
        let p = issuer.pseudonym(userId: 123_456_789)
        #expect(p == issuer.pseudonym(userId: 123_456_789))
        #expect(p.hasPrefix("anon-"))
        #expect(p.count == 21)
        #expect(p.dropFirst(5).allSatisfy { "0123456789abcdef".contains($0) })
        #expect(!p.contains("123456789"))
        #expect(p != issuer.pseudonym(userId: 123_456_788))
        #expect(p != other.pseudonym(userId: 123_456_789))
        let many = Set((Int64(0)..<2_000).map { issuer.pseudonym(userId: $0) })
        #expect(many.count == 2_000)
    }
}
