import Messages
import Testing

/// The audit vocabulary: names are stored and hash-chained, so they keep today's spelling, and the groupings the
/// guard and `gatehouse status` count by are the ones the operator reads about in the README.
@Suite struct AuditEventNameTests {
    @Test func namesAreDottedLowercaseAndEachIsOneCase() {
        let names = AuditEventName.allCases.map(\.rawValue)
        #expect(Set(names).count == names.count)
        for name in names where name != "command" {
            #expect(name.wholeMatch(of: /[a-z]+\.[a-z_]+/) != nil, "\(name)")
        }
        // A few as stored by earlier builds (queries and benchmarks look them up by these strings).
        #expect(AuditEventName(rawValue: "access.denied") == .accessDenied)
        #expect(AuditEventName(rawValue: "auth.session_expired") == .authSessionExpired)
        #expect(AuditEventName(rawValue: "button.allow_once") == .buttonAllowOnce)
        #expect(AuditEventName(rawValue: "webhook.refused") == .webhookRefused)
    }

    @Test func securityEventsAreEverySecurityEntryAndAFailedSignIn() {
        let security = AuditEventName.allCases.filter { AuditEventName.isSecurityEvent($0.rawValue) }
        #expect(Set(security) == [.securityViolation, .securityAnomaly, .authFailure])
        // Records read back may carry names this build does not write.
        #expect(AuditEventName.isSecurityEvent("security.something_newer"))
        #expect(!AuditEventName.isSecurityEvent("auth.success"))
    }
}
