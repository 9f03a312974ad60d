import Messages
import Testing
@testable import Executor

@Suite struct JobCheckTests {
    let signer = JobSigner()

    func job(attempt: Int = 1) -> JobAssignment {
        signer.sign(JobAssignment(
            jobId: "job-1", attempt: attempt, userId: 1, chatId: 1, workspace: "", prompt: "hi", resumeSessionId: nil,
            model: nil, maxTurns: nil, timeoutSeconds: 60, issuedAt: 1_000_000))
    }

    @Test func aJobIsTakenOnceAndARepeatOfAFinishedOneIsARefusedReplay() async throws {
        let check = JobCheck(verifier: try JobVerifier(publicKeyBase64: signer.publicKeyBase64))
        #expect(await check.check(job(), now: 1_000_100, isActive: false) == .take)
        #expect(await check.check(job(), now: 1_000_200, isActive: true) == .alreadyHere)
        #expect(await check.check(job(), now: 1_000_300, isActive: false) == .refuse(code: "replayed", reason: "this job was run here before"))
        #expect(await check.check(job(attempt: 2), now: 1_000_400, isActive: false) == .take)  // a re-dispatch is new
    }

    @Test func unsignedForgedAndExpiredJobsAreRefusedWithTheirCode() async throws {
        let check = JobCheck(verifier: try JobVerifier(publicKeyBase64: signer.publicKeyBase64))
        var unsigned = job()
        unsigned.signature = nil
        guard case .refuse(let missing, _) = await check.check(unsigned, now: 1_000_100, isActive: false) else {
            Issue.record("an unsigned job was taken"); return
        }
        #expect(missing == "missing_signature")
        let forged = JobSigner().sign(job(attempt: 3))
        guard case .refuse(let bad, _) = await check.check(forged, now: 1_000_100, isActive: false) else {
            Issue.record("a forged job was taken"); return
        }
        #expect(bad == "bad_signature")
        guard case .refuse(let expired, _) = await check.check(job(attempt: 4), now: 9_000_000, isActive: false) else {
            Issue.record("an expired job was taken"); return
        }
        #expect(expired == "expired")
        #expect(JobAccepted.verificationRefusals.isSuperset(of: [missing, bad, expired, "replayed"]))
    }
}
