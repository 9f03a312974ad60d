import Foundation
import Logging
@testable import PeerKeys
import Settings
import Testing

@Suite struct PeerKeyGateTests {
    // Z85 keys (any 40 characters of the alphabet decode to 32 bytes).
    static let ingress = String(repeating: "i", count: 40)
    static let egress = String(repeating: "e", count: 40)
    static let executor = String(repeating: "x", count: 40)
    static let stranger = String(repeating: "s", count: 40)

    func gate(store: InMemoryPeerKeyStore = .init(), curve: Set<GuardLink> = [.intake, .work, .delivery]) throws -> PeerKeyGate {
        let security = GuardLinkSecurity(
            secretKey: Secret(String(repeating: "g", count: 40)), ingressKeys: [Self.ingress], egressKeys: [Self.egress],
            executorKeys: [Self.executor])
        return try PeerKeyGate(security: security, store: store, curveLinks: curve, logger: Logger(label: "test"))
    }

    @Test func eachLinkAdmitsOnlyTheKeysOfItsRole() throws {
        let gate = try gate()
        #expect(gate.authorize(domain: "intake", publicKey: Self.ingress) == "ingress:" + Self.ingress)
        #expect(gate.authorize(domain: "delivery", publicKey: Self.egress) == "egress:" + Self.egress)
        #expect(gate.authorize(domain: "work", publicKey: Self.executor) == "executor:" + Self.executor)
        #expect(gate.authorize(domain: "intake", publicKey: Self.executor) == nil)
        #expect(gate.authorize(domain: "work", publicKey: Self.ingress) == nil)
        #expect(gate.authorize(domain: "delivery", publicKey: Self.stranger) == nil)
        #expect(gate.authorize(domain: "other", publicKey: Self.ingress) == nil)
    }

    @Test func everyMessageIsCheckedAgainstItsLinksRole() throws {
        let gate = try gate()
        #expect(gate.admits(link: .intake, userId: "ingress:" + Self.ingress))
        #expect(!gate.admits(link: .intake, userId: "executor:" + Self.executor))  // an executor cannot submit updates
        #expect(!gate.admits(link: .intake, userId: "ingress:" + Self.executor))  // nor by claiming the role
        #expect(!gate.admits(link: .work, userId: nil))  // plaintext on a CURVE link
        #expect(!gate.admits(link: .work, userId: "garbage"))
        let mixed = try self.gate(curve: [.work])
        #expect(mixed.admits(link: .intake, userId: nil))  // ipc:// link: plaintext, no identity
        #expect(!mixed.admits(link: .intake, userId: "ingress:" + Self.ingress))
    }

    @Test func anAdmittedExecutorKeyIsSeenAndKeysResolveByHexFingerprint() throws {
        let store = InMemoryPeerKeyStore()
        let gate = try gate(store: store)
        #expect(try store.all().first { $0.publicKey == Self.executor }?.lastSeenAt == nil)
        #expect(gate.admits(link: .work, userId: "executor:" + Self.executor))
        try gate.sync()
        #expect(try store.all().first { $0.publicKey == Self.executor }?.lastSeenAt != nil, "a configured key in use shows as never seen")

        #expect(gate.authorize(domain: "work", publicKey: Self.stranger) == nil)
        try gate.sync()
        let fingerprint = PeerKeyRecord.fingerprint(of: Self.stranger)
        #expect(fingerprint.count == 16 && fingerprint.allSatisfy(\.isHexDigit))
        #expect(try store.resolve(String(fingerprint.prefix(8))).publicKey == Self.stranger)
        #expect(try store.resolve(fingerprint.uppercased()).publicKey == Self.stranger)
        #expect(throws: PeerKeyError.self) { try store.resolve("0000000000") }
    }

    @Test func unknownExecutorKeysArePendingUntilAcceptedAndRevocationCutsOffAtOnce() throws {
        let store = InMemoryPeerKeyStore()
        let gate = try gate(store: store)
        #expect(gate.authorize(domain: "work", publicKey: Self.stranger) == nil)
        try gate.sync()
        #expect(try store.all().first { $0.publicKey == Self.stranger }?.status == .pending)

        try store.setStatus(.accepted, for: try store.resolve(String(Self.stranger.prefix(8))).publicKey, at: 1)
        try gate.sync()
        #expect(gate.authorize(domain: "work", publicKey: Self.stranger) != nil)

        try store.setStatus(.revoked, for: Self.stranger, at: 2)
        try gate.sync()
        #expect(!gate.admits(link: .work, userId: "executor:" + Self.stranger))
        #expect(gate.authorize(domain: "work", publicKey: Self.stranger) == nil)
        try gate.sync()
        #expect(try store.all().first { $0.publicKey == Self.stranger }?.status == .revoked)  // never pending again
    }

    @Test func prefixesMustBeLongEnoughAndUnambiguous() throws {
        let store = InMemoryPeerKeyStore()
        try store.noteKnocks(["abcdef" + String(repeating: "1", count: 34): 1, "abcdef" + String(repeating: "2", count: 34): 1])
        #expect(throws: PeerKeyError.self) { try store.resolve("abc") }
        #expect(throws: PeerKeyError.self) { try store.resolve("abcdef") }
        #expect(try store.resolve("abcdef2").publicKey.hasSuffix("2222"))
    }

    @Test func theSQLiteStoreKeepsStatusAcrossOpens() throws {
        let path = NSTemporaryDirectory() + "peer-keys-\(UUID().uuidString).sqlite"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try SQLitePeerKeyStore(path: path).noteKnocks([Self.stranger: 5])
        try SQLitePeerKeyStore(path: path).setStatus(.accepted, for: Self.stranger, at: 6)
        try SQLitePeerKeyStore(path: path).noteKnocks([Self.stranger: 7])
        let record = try #require(try SQLitePeerKeyStore(path: path).all().first)
        #expect(record.status == .accepted && record.firstSeenAt == 5 && record.lastSeenAt == 7)
    }
}
