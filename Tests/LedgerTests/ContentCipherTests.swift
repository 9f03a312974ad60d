import Foundation
import Testing

@testable import Ledger

@Suite struct ContentCipherTests {
    let rawKey: [UInt8] = (0..<32).map { UInt8($0 &* 7 &+ 3) }

    func expectCode(_ code: String, _ body: () throws -> Void) {
        do {
            try body()
            Issue.record("expected \(code), nothing was thrown")
        } catch let error as SecurityError {
            #expect(error.code == code)
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func roundTripsAnyText() throws {
        let cipher = try ContentCipher(keyMaterial: rawKey)
        for text in ["", "hello", "multi\nline\u{0}with NUL", "naïve 日本語 👩‍👩‍👧‍👦", String(repeating: "x", count: 100_000)] {
            let sealed = try cipher.seal(text)
            #expect(sealed.hasPrefix("enc1:"))
            #expect(ContentCipher.isSealed(sealed))
            #expect(try cipher.open(sealed) == text)
        }
    }

    @Test func sealedValueHidesThePlaintextAndHasTheDocumentedLayout() throws {
        let cipher = try ContentCipher(keyMaterial: rawKey)
        let text = "the launch code is 0000"
        let sealed = try cipher.seal(text)
        #expect(!sealed.contains("launch"))
        let combined = try #require(Data(base64Encoded: String(sealed.dropFirst(5))))
        #expect(combined.count == 12 + text.utf8.count + 16)  // nonce | ciphertext | tag
    }

    @Test func everySealUsesAFreshNonce() throws {
        let cipher = try ContentCipher(keyMaterial: rawKey)
        let sealed = try (0..<200).map { _ in try cipher.seal("same text") }
        #expect(Set(sealed).count == 200)
        let nonces = sealed.compactMap { Data(base64Encoded: String($0.dropFirst(5)))?.prefix(12) }
        #expect(Set(nonces).count == 200)
    }

    @Test func tamperingIsDetected() throws {
        let cipher = try ContentCipher(keyMaterial: rawKey)
        let sealed = try cipher.seal("pay alice 10 dollars")
        var combined = try #require(Data(base64Encoded: String(sealed.dropFirst(5))))
        for index in [0, 11, 12, combined.count - 17, combined.count - 1] {
            var flipped = combined
            flipped[index] ^= 0x01
            expectCode("security.open_failed") { _ = try cipher.open("enc1:" + flipped.base64EncodedString()) }
        }
        combined.removeLast()
        expectCode("security.open_failed") { _ = try cipher.open("enc1:" + combined.base64EncodedString()) }
        expectCode("security.sealed_malformed") { _ = try cipher.open("enc1:") }
        expectCode("security.sealed_malformed") { _ = try cipher.open("enc1:not base64!") }
        expectCode("security.sealed_malformed") { _ = try cipher.open("enc1:" + Data(count: 27).base64EncodedString()) }
    }

    @Test func wrongKeyFailsWithoutRevealingTheValue() throws {
        let sealed = try ContentCipher(keyMaterial: rawKey).seal("secret plans")
        let other = try ContentCipher(keyMaterial: rawKey.map { $0 ^ 0xff })
        do {
            _ = try other.open(sealed)
            Issue.record("opened with the wrong key")
        } catch let error as SecurityError {
            #expect(error.code == "security.open_failed")
            #expect(!error.description.contains("secret plans"))
            #expect(!error.description.contains(String(sealed.dropFirst(5).prefix(10))))
        }
    }

    @Test func legacyPlaintextPassesThrough() throws {
        let cipher = try ContentCipher(keyMaterial: rawKey)
        for legacy in ["", "plain old row", "ENC1:looks close", " enc1:leading space"] {
            #expect(try cipher.open(legacy) == legacy)
            #expect(!ContentCipher.isSealed(legacy))
        }
    }

    @Test func keyFromRawBytesBase64OrPassphraseAgree() throws {
        let fromRaw = try ContentCipher(keyMaterial: rawKey)
        let base64 = Data(rawKey).base64EncodedString()
        let fromBase64 = try ContentCipher(keyMaterial: Array(base64.utf8))
        let base64URL = base64.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        let fromBase64URL = try ContentCipher(keyMaterial: Array(base64URL.utf8))
        let sealed = try fromRaw.seal("interchangeable")
        #expect(try fromBase64.open(sealed) == "interchangeable")
        #expect(try fromBase64URL.open(sealed) == "interchangeable")

        // A passphrase derives a key: stable across instances, different from the raw key.
        let phrase = Array("correct horse battery staple".utf8)
        let derivedA = try ContentCipher(keyMaterial: phrase)
        let derivedB = try ContentCipher(keyMaterial: phrase)
        let byPhrase = try derivedA.seal("derived")
        #expect(try derivedB.open(byPhrase) == "derived")
        expectCode("security.open_failed") { _ = try fromRaw.open(byPhrase) }
        expectCode("security.open_failed") {
            _ = try ContentCipher(keyMaterial: Array("correct horse battery staplf".utf8)).open(byPhrase)
        }
    }

    @Test func derivedKeyIsHKDFWithTheFixedSalt() throws {
        // Known answer computed independently (Python's hmac, RFC 5869) for salt "gatehouse.data.v1" and info
        // "gatehouse content encryption": a silent change to the derivation would make stored data unreadable.
        let expectedHex = "e65131f9b0f165a86bd0c1bbaa33a1b153f054ecbae91d8b0726a4ca51cd022c"
        var expected: [UInt8] = []
        var digits = expectedHex.makeIterator()
        while let high = digits.next(), let low = digits.next() {
            expected.append(UInt8(String([high, low]), radix: 16) ?? 0)
        }
        let viaPhrase = try ContentCipher(keyMaterial: Array("a sixteen+ byte passphrase".utf8))
        let viaRaw = try ContentCipher(keyMaterial: expected)
        #expect(try viaRaw.open(viaPhrase.seal("same key")) == "same key")
    }

    @Test func shortMaterialIsRefused() {
        expectCode("security.secret_too_short") { _ = try ContentCipher(keyMaterial: Array("short".utf8)) }
        expectCode("security.secret_too_short") { _ = try ContentCipher(keyMaterial: []) }
        #expect(throws: Never.self) { try ContentCipher(keyMaterial: Array(repeating: 1, count: 16)) }
        #expect(!"\(String(describing: try? ContentCipher(keyMaterial: rawKey)))".contains("\(rawKey[1])"))
    }

    @Test func keyMaterialFromEnvironmentText() {
        let base64 = Data(rawKey).base64EncodedString()
        #expect(ContentCipher.keyMaterial(from: "  \(base64)\n") == rawKey)
        #expect(ContentCipher.keyMaterial(from: " my pass phrase \n") == Array("my pass phrase".utf8))
        // Base64 of a different length is a passphrase, taken as its text.
        let sixteen = Data(repeating: 9, count: 16).base64EncodedString()
        #expect(ContentCipher.keyMaterial(from: sixteen) == Array(sixteen.utf8))
        #expect(ContentCipher.keyMaterial(from: "") == [])
    }
}
