import Ledger
import Testing

/// The hash of an audit entry is stored: its text form must never change, or every existing chain would fail
/// `gatehouse audit verify`. Expected values computed independently (SHA-256 of the length-prefixed fields).
@Suite struct AuditChainFormatTests {
    @Test func hashesAreLowercaseHexOfTheLengthPrefixedFields() {
        #expect(AuditChain.hash(
            prevHash: AuditChain.genesis, at: 1_700_000_000_000, actor: "42", event: "access.denied",
            detail: "user not on the allowlist") == "cc33b3a8fc214f204c23927fbbf76809aea2f567f1756a7cd0263e8a417dc931")
        #expect(AuditChain.hash(
            prevHash: AuditChain.genesis, at: 1_700_000_000_000, actor: "-", event: "update.ignored",
            detail: "ü") == "0f6adb5242bc27f69392f2887113c284d166e2c37654ca11df1a5b480e4bd79e")
    }
}
